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
