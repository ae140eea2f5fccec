import Foundation
import Runner
import TestSupport
import Testing

/// #22: the recall of a pgvector index, measured by the `vector-recall` verify check, agrees
/// with a brute-force computation here, and gates on a threshold.
@Suite("vector-recall")
struct VectorRecallTests {
    /// 20,000 vectors of 128 dimensions whose neighbourhoods are those of 8 random coordinates
    /// (each repeated 16 times), like real embeddings, which lie near a low-dimensional surface;
    /// `latent` keeps the 8 coordinates, for the brute force below.
    static func itemsDatabase() throws -> TestDatabase {
        let database = try TestDatabase.fresh(extensions: ["vector"])
        try database.createLatentVectorTable("items", rows: 20000, dimensions: 128)
        try database.connect().execute("CREATE INDEX items_ivf ON items USING ivfflat (embedding vector_l2_ops) WITH (lists = 100)")
        return database
    }

    static func plan(probes: Int) -> String {
        """
        plan: 1
        name: recall
        steps:
          - verify:
              checks:
                - vector-recall: { index: items_ivf, k: 10, sample: 50, min: 0.9, probes: \(probes) }
        """
    }

    @Test func recallIsMeasuredAsABruteForceSaysAndGates() throws {
        let database = try Self.itemsDatabase()
        defer { database.drop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("probes1.plan.yaml", Self.plan(probes: 1))
        try directory.write("probes20.plan.yaml", Self.plan(probes: 20))

        let low = try PlanProcess.run(["verify", "probes1.plan.yaml", "--database-url", database.url], directory: directory.path)
        #expect(low.status == 1, "\(low.all)")
        let reported = try #require(Self.recall(in: low.all), "\(low.all)")
        #expect(reported < 0.8, "\(low.all)")
        #expect(low.all.contains("below 0.900 (50 sample queries from items, ivfflat.probes = 1"), "\(low.all)")
        #expect(abs(reported - (try Self.bruteForceRecall(database, probes: 1))) < 0.0015)

        let high = try PlanProcess.run(["verify", "probes20.plan.yaml", "--database-url", database.url], directory: directory.path)
        #expect(high.status == 0, "\(high.all)")
        let passed = try #require(Self.recall(in: high.all), "\(high.all)")
        #expect(passed >= 0.9)
        #expect(abs(passed - (try Self.bruteForceRecall(database, probes: 20))) < 0.0015)

        // The dry-run measures it too (read-only), and JSON carries the same line.
        let preview = try PlanProcess.run(
            ["run", "probes20.plan.yaml", "--dry-run", "--format", "json", "--database-url", database.url], directory: directory.path)
        #expect(preview.status == 0, "\(preview.all)")
        #expect(preview.stdout.contains("recall@10 of index items_ivf is"), "\(preview.all)")
    }

    /// The number after "is " in the check's line.
    static func recall(in output: String) -> Double? {
        guard let range = output.range(of: "recall@10 of index items_ivf is ") else { return nil }
        return Double(output[range.upperBound...].prefix { $0.isNumber || $0 == "." })
    }

    /// The same sample of query vectors the check takes, their exact 10 nearest neighbours
    /// computed here from the latent coordinates (distances in the 128 dimensions are 16 times
    /// theirs, so the order is the same), and what the index returns with `probes`.
    static func bruteForceRecall(_ database: TestDatabase, probes: Int) throws -> Double {
        let connection = try database.connect()
        func parse(_ text: String?) -> [Double] {
            (text ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "{}")).split(separator: ",").compactMap { Double($0) }
        }
        let all = try connection.execute("SELECT id, latent::text FROM items").rows.map { (Int($0[0] ?? "") ?? 0, parse($0[1])) }
        let sample = try connection.execute(
            "SELECT id, latent::text, embedding::text FROM items ORDER BY md5(ctid::text) LIMIT 50"
        ).rows
        try connection.execute("BEGIN; SET LOCAL ivfflat.probes = \(probes); SET LOCAL enable_seqscan = off")
        defer { _ = try? connection.execute("ROLLBACK") }
        var found = 0
        for row in sample {
            let query = parse(row[1])
            var distances: [(id: Int, distance: Double)] = []
            distances.reserveCapacity(all.count)
            for (id, latent) in all {
                var sum = 0.0
                for (a, b) in zip(latent, query) { sum += (a - b) * (a - b) }
                distances.append((id, sum))
            }
            distances.sort { $0.distance < $1.distance }
            let exact = Set(distances.prefix(10).map(\.id))
            let approximate = try connection.query("SELECT id FROM items ORDER BY embedding <-> $1::vector LIMIT 10", [row[2]])
                .rows.compactMap { Int($0[0] ?? "") }
            found += approximate.filter(exact.contains).count
        }
        return Double(found) / Double(sample.count * 10)
    }
}
