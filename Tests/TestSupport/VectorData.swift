extension TestDatabase {
    /// `CREATE TABLE name (id int, embedding vector(dimensions))` with `rows` random vectors:
    /// data for index builds that take long enough to watch.
    public func createVectorTable(_ name: String, rows: Int, dimensions: Int) throws {
        try connect().execute(
            """
            CREATE TABLE \(name) (id int, embedding vector(\(dimensions)));
            INSERT INTO \(name) SELECT g, (SELECT array_agg(random())::vector(\(dimensions)) FROM generate_series(1, \(dimensions)) WHERE g > 0)
            FROM generate_series(1, \(rows)) g
            """)
    }
}

extension TestDatabase {
    /// `CREATE TABLE name (id int PRIMARY KEY, latent float8[], embedding vector(dimensions))`:
    /// vectors whose neighbourhoods are those of 8 random coordinates (each repeated), like real
    /// embeddings, which lie near a low-dimensional surface, so a good index finds nearly all
    /// true neighbours and a poor one visibly fewer; `latent` keeps the 8 coordinates.
    public func createLatentVectorTable(_ name: String, rows: Int, dimensions: Int) throws {
        try connect().execute(
            """
            CREATE TABLE \(name) (id int PRIMARY KEY, latent float8[], embedding vector(\(dimensions)));
            INSERT INTO \(name)
              SELECT g, z, (SELECT array_agg(z[1 + d % 8])::vector(\(dimensions)) FROM generate_series(0, \(dimensions - 1)) d)
              FROM (SELECT g, (SELECT array_agg(random()) FROM generate_series(1, 8) WHERE g > 0) z FROM generate_series(1, \(rows)) g) s;
            ANALYZE \(name);
            """)
    }
}
