import Foundation
import PlanModel
import Runner
import TestSupport
import Testing

@testable import Steps

/// #22: the pgvector preflight on expression keys (checked against pgvector itself) and on
/// parallel builds' dynamic shared memory, against the real server.
@Suite("index-concurrently preflight: expression keys and parallel builds")
struct IndexPreflightServerTests {
    static func hnsw(_ name: String, expression: String, opclass: String, table: String = "docs") -> IndexStep {
        IndexStep(name: name, table: table, method: .hnsw, keys: [IndexStep.Key(target: .expression(expression), opclass: opclass)])
    }

    /// The key's type is the expression's, as the server resolves it: a cast to halfvec indexes
    /// 3,072 dimensions; what pgvector refuses is refused first, in its terms, with the way out.
    @Test func expressionKeysGetPgvectorsLimitsForTheirType() throws {
        let database = try TestDatabase.fresh(extensions: ["vector"])
        defer { database.drop() }
        let connection = try database.connect()
        try createVectorTable(connection, "docs", dimensions: 3072, rows: 20)

        let column = runIndexStep(
            IndexStep(
                name: "docs_plain", table: "docs", method: .hnsw,
                keys: [IndexStep.Key(target: .column("embedding"), opclass: "vector_l2_ops")]),
            on: database)
        #expect(column.summary.exitCode == 1)
        #expect(
            column.sink.saw(
                "column embedding is vector(3072): hnsw indexes allow at most 2000 dimensions for vector; halfvec allows 4000: index `expression: embedding::halfvec(3072)` with a halfvec_*_ops class"
            ), "\(column.sink.messages)")

        let half = runIndexStep(Self.hnsw("docs_half", expression: "embedding::halfvec(3072)", opclass: "halfvec_cosine_ops"), on: database)
        #expect(half.summary.exitCode == 0, "\(half.sink.messages)")
        #expect(
            half.sink.saw(
                "expression (embedding::halfvec(3072)) is halfvec(3072) (as the server resolves it): within pgvector's hnsw limit for halfvec (4000 dimensions)"
            ), "\(half.sink.messages)")
        #expect(try indexValidity(connection, "docs_half") == true)

        let quantized = runIndexStep(
            Self.hnsw("docs_bits", expression: "binary_quantize(embedding)::bit(3072)", opclass: "bit_hamming_ops"), on: database)
        #expect(quantized.summary.exitCode == 0, "\(quantized.sink.messages)")
        #expect(quantized.sink.saw("is bit(3072) (as the server resolves it): within pgvector's hnsw limit for bit (64000 dimensions)"))

        let noSize = runIndexStep(Self.hnsw("docs_norm", expression: "l2_normalize(embedding)", opclass: "vector_l2_ops"), on: database)
        #expect(
            noSize.sink.saw(
                "expression (l2_normalize(embedding)) does not have dimensions (it is vector): pgvector needs a fixed size (\"column does not have dimensions\"); cast it with a size: `expression: (l2_normalize(embedding))::vector(N)`"
            ), "\(noSize.sink.messages)")
        // A size that is within the limit but not the data's: the cast fails on every row, as the build would.
        let otherSize = runIndexStep(
            Self.hnsw("docs_2000", expression: "embedding::halfvec(2000)", opclass: "halfvec_l2_ops"), on: database)
        #expect(otherSize.summary.exitCode == 1)
        #expect(
            otherSize.sink.saw(
                "expression (embedding::halfvec(2000)) fails on the rows of public.docs (expected 2000 dimensions, not 3072): the build would stop the same way"
            ), "\(otherSize.sink.messages)")
        let wrongClass = runIndexStep(
            Self.hnsw("docs_wrong", expression: "embedding::halfvec(3072)", opclass: "vector_l2_ops"), on: database)
        #expect(wrongClass.sink.saw("operator class vector_l2_ops does not fit a halfvec expression for hnsw"))
        let sparse = runIndexStep(
            IndexStep(
                name: "docs_sparse", table: "docs", method: .ivfflat,
                keys: [IndexStep.Key(target: .expression("embedding::sparsevec(3072)"), opclass: "sparsevec_l2_ops")]), on: database)
        #expect(
            sparse.sink.saw("expression (embedding::sparsevec(3072)) is sparsevec(3072), and ivfflat has no operator class for sparsevec"))

        // What the preflight refuses for size, pgvector refuses too, with the same limit.
        let limits: [(method: IndexStep.Method, expression: String, opclass: String, limit: Int)] = [
            (.ivfflat, "embedding::halfvec(4001)", "halfvec_l2_ops", 4000),
            (.hnsw, "embedding::halfvec(4001)", "halfvec_l2_ops", 4000),
            (.ivfflat, "binary_quantize(embedding)::bit(64001)", "bit_hamming_ops", 64000),
            (.hnsw, "binary_quantize(embedding)::bit(64001)", "bit_hamming_ops", 64000),
            (.hnsw, "embedding::vector(2001)", "vector_l2_ops", 2000),
        ]
        for (index, case_) in limits.enumerated() {
            let step = IndexStep(
                name: "docs_wide\(index)", table: "docs", method: case_.method,
                keys: [IndexStep.Key(target: .expression(case_.expression), opclass: case_.opclass)],
                storage: case_.method == .ivfflat ? [IndexStep.StorageParameter(name: "lists", value: .int(1))] : [])
            let refused = runIndexStep(step, on: database)
            #expect(refused.summary.exitCode == 1)
            #expect(
                refused.sink.saw("\(case_.method.rawValue) indexes allow at most \(case_.limit) dimensions"),
                "\(case_): \(refused.sink.messages)")
            let direct = IndexSQL(step: step, schema: "public").create.replacing(" CONCURRENTLY", with: "")
            do throws(PostgresError) {
                try connection.execute(direct)
                Issue.record("pgvector built \(case_)")
            } catch {
                #expect(error.message.contains("column cannot have more than \(case_.limit) dimensions for \(case_.method.rawValue) index"))
            }
        }
        #expect(
            try connection.execute("SELECT count(*) FROM pg_class WHERE relname LIKE 'docs_wide%' OR relname = 'docs_plain'").scalar == "0")
    }

    /// A misspelt column in the expression: the server's own words, before any lock.
    @Test func anExpressionThatDoesNotResolveIsNamedInTheDryRun() throws {
        let database = try TestDatabase.fresh(extensions: ["vector"])
        defer { database.drop() }
        try createVectorTable(try database.connect(), "docs", dimensions: 3, rows: 5)
        let typo = runIndexStep(
            Self.hnsw("docs_typo", expression: "embeding::halfvec(3)", opclass: "halfvec_l2_ops"), on: database, dryRun: true)
        #expect(typo.summary.exitCode == 1)
        #expect(typo.sink.outcome == .wouldFail)
        #expect(
            typo.sink.saw(
                "cannot build index docs_typo: the key expression (embeding::halfvec(3)) does not work on public.docs: column \"embeding\" does not exist"
            ),
            "\(typo.sink.messages)")
    }

    /// What can be known about a parallel build's shared memory is said; /dev/shm is read when
    /// the server is a process on this machine (here it is: the test server is local).
    @Test func theParallelBuildsSharedMemoryIsForecast() throws {
        let database = try TestDatabase.fresh(extensions: ["vector"])
        defer { database.drop() }
        let connection = try database.connect()
        try createVectorTable(connection, "docs", dimensions: 8, rows: 200)
        var step = IndexStep(
            name: "docs_hnsw", table: "docs", method: .hnsw, keys: [IndexStep.Key(target: .column("embedding"), opclass: "vector_l2_ops")],
            maintenanceWorkMem: Units.size("100MB"), parallelWorkers: 3)

        // Below min_parallel_table_scan_size PostgreSQL plans no workers.
        let small = runIndexStep(step, on: database, dryRun: true)
        #expect(
            small.sink.saw(
                "kB) is smaller than min_parallel_table_scan_size (8 MB)): the graph is built in private memory, no dynamic shared memory segment"
            ), "\(small.sink.messages)")

        // The parallel_workers storage parameter overrides the size rule.
        try connection.execute("ALTER TABLE docs SET (parallel_workers = 2)")
        let parallel = runIndexStep(step, on: database, dryRun: true)
        var shm = statvfs()
        #expect(statvfs("/dev/shm", &shm) == 0)
        let total = Int64(shm.f_blocks) * Int64(shm.f_frsize) / 1_048_576
        #expect(
            parallel.sink.saw(
                "hnsw build will likely be parallel, with up to 2 workers (max_parallel_maintenance_workers = 3, the step's parallel_workers): pgvector keeps the graph in one dynamic shared memory segment of about 97 MB (maintenance_work_mem − 3 MB), which fits in the server's /dev/shm ("
            ), "\(parallel.sink.messages)")
        #expect(parallel.sink.saw("MB free of \(total) MB)"), "\(parallel.sink.messages)")
        #expect(parallel.sink.saw("fits in the 96 MB a parallel build leaves for it of maintenance_work_mem 100 MB"))

        step.parallelWorkers = 0
        let serial = runIndexStep(step, on: database)
        #expect(serial.summary.exitCode == 0, "\(serial.sink.messages)")
        #expect(serial.sink.saw("hnsw build will be serial (the step's parallel_workers is 0)"))
        #expect(try indexValidity(connection, "docs_hnsw") == true)
    }
}
