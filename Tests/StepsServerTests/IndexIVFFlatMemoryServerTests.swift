import Foundation
import PlanModel
import Runner
import TestSupport
import Testing

@testable import Steps

/// The preflight's prediction against the server's own "memory required is N MB", produced for
/// real by building with a small maintenance_work_mem. Plain CREATE INDEX runs the same ambuild
/// as a concurrent one and leaves nothing behind when it fails.
@Suite("IVFFlat memory prediction matches pgvector", .serialized)
struct IndexIVFFlatMemoryServerTests {
    struct Case: Sendable, CustomStringConvertible {
        var lists: Int
        var budgetMB: Int
        var description: String { "lists \(lists) at \(budgetMB)MB" }
    }

    struct Measurement: CustomStringConvertible {
        var table: String
        var rows: Int
        var dimensions: Int
        var lists: Int
        var budgetMB: Int
        var predictedMB: Int64?
        var serverMB: Int64?
        var description: String {
            "| \(rows) | \(dimensions) | \(lists) | \(budgetMB)MB | \(predictedMB.map(String.init) ?? "fits") | \(serverMB.map(String.init) ?? "built") |"
        }
    }

    /// Predicts with the step's own preflight, then builds and reads the server's number.
    static func measure(_ connection: PostgresConnection, table: String, rows: Int, dimensions: Int, _ probe: Case) throws -> Measurement {
        let step = ivfflatStep("probe_idx", table: table, lists: probe.lists, budget: "\(probe.budgetMB)MB")
        let preflight = try IndexPreflight.inspect(step, on: connection)
        let verdict = try #require(preflight.ivfflat)
        let predicted = verdict.prediction.reportedMegabytes(budgetKilobytes: verdict.budgetKilobytes)
        try connection.execute("SET max_parallel_maintenance_workers = 0; SET maintenance_work_mem = '\(probe.budgetMB)MB'")
        defer { _ = try? connection.execute("RESET maintenance_work_mem; DROP INDEX IF EXISTS probe_idx") }
        var serverMB: Int64?
        do {
            try connection.execute(
                "CREATE INDEX probe_idx ON \(table) USING ivfflat (embedding vector_cosine_ops) WITH (lists = \(probe.lists))")
        } catch {
            let pattern = /memory required is (\d+) MB/
            let match = try #require(error.message.firstMatch(of: pattern), "unexpected error: \(error)")
            serverMB = Int64(match.1)
        }
        return Measurement(
            table: table, rows: rows, dimensions: dimensions, lists: probe.lists, budgetMB: probe.budgetMB,
            predictedMB: predicted, serverMB: serverMB)
    }

    @Test func predictedMegabytesEqualTheServersForSmallAndMediumVectors() throws {
        let database = try TestDatabase.fresh(extensions: ["vector"])
        defer { database.drop() }
        let connection = try database.connect()
        let tables: [(name: String, rows: Int, dimensions: Int, cases: [Case])] = [
            (
                "few3", 2_000, 3,
                [
                    Case(lists: 100, budgetMB: 1), Case(lists: 1000, budgetMB: 1), Case(lists: 1000, budgetMB: 2),
                    Case(lists: 3000, budgetMB: 4), Case(lists: 2000, budgetMB: 8), Case(lists: 10, budgetMB: 1),
                ]
            ),
            (
                "many3", 30_000, 3,
                [
                    Case(lists: 100, budgetMB: 1), Case(lists: 300, budgetMB: 2), Case(lists: 1000, budgetMB: 4),
                    Case(lists: 2000, budgetMB: 1), Case(lists: 4000, budgetMB: 8), Case(lists: 500, budgetMB: 4),
                    Case(lists: 20, budgetMB: 2),
                ]
            ),
            (
                "mid384", 3_000, 384,
                [
                    Case(lists: 100, budgetMB: 8), Case(lists: 100, budgetMB: 16), Case(lists: 50, budgetMB: 17),
                    Case(lists: 300, budgetMB: 32), Case(lists: 200, budgetMB: 16), Case(lists: 1000, budgetMB: 64),
                    Case(lists: 100, budgetMB: 32),
                ]
            ),
        ]
        var measurements: [Measurement] = []
        for table in tables {
            try createVectorTable(connection, table.name, dimensions: table.dimensions, rows: table.rows)
            for probe in table.cases {
                measurements.append(try Self.measure(connection, table: table.name, rows: table.rows, dimensions: table.dimensions, probe))
            }
        }
        print("| rows | dims | lists | maintenance_work_mem | predicted MB | server MB |")
        for measurement in measurements {
            print(measurement)
            #expect(measurement.predictedMB == measurement.serverMB, "\(measurement)")
        }
        #expect(measurements.filter { $0.serverMB != nil }.count >= 12)
        #expect(measurements.contains { $0.serverMB == nil }, "a build predicted to fit was tried")
    }

    /// The runbook: 12,000 rows of vector(1536) at 64MB. lists = 100 is refused before the
    /// build, naming 93; lists = 50 builds, with progress, and the index is valid.
    @Test func runbookScenario() throws {
        let database = try TestDatabase.fresh(extensions: ["vector"])
        defer { database.drop() }
        let connection = try database.connect()
        try createVectorTable(connection, "memories", dimensions: 1536, rows: 12_000)

        var measurements: [Measurement] = []
        for probe in [
            Case(lists: 100, budgetMB: 64), Case(lists: 200, budgetMB: 64), Case(lists: 500, budgetMB: 64), Case(lists: 500, budgetMB: 150),
        ] {
            measurements.append(try Self.measure(connection, table: "memories", rows: 12_000, dimensions: 1536, probe))
        }
        for measurement in measurements {
            print(measurement)
            #expect(measurement.predictedMB == measurement.serverMB, "\(measurement)")
        }
        #expect(measurements.map(\.serverMB) == [65, 71, 150, 180])

        let preview = runIndexStep(
            ivfflatStep("memories_embedding_idx", table: "memories", lists: 100, budget: "64MB"), on: database, dryRun: true)
        #expect(preview.summary.exitCode == 1)
        #expect(preview.sink.outcome == .wouldFail)

        let refused = runIndexStep(ivfflatStep("memories_embedding_idx", table: "memories", lists: 100, budget: "64MB"), on: database)
        #expect(refused.summary.exitCode == 1)
        #expect(refused.sink.saw("memory required is 65 MB, maintenance_work_mem is 64 MB"))
        #expect(refused.sink.saw("Set `lists` to 93 or less"))
        #expect(refused.sink.saw("`maintenance_work_mem: 65MB`"))
        #expect(try indexValidity(connection, "memories_embedding_idx") == nil, "refused before the build: nothing committed")

        let built = runIndexStep(ivfflatStep("memories_embedding_idx", table: "memories", lists: 50, budget: "64MB"), on: database)
        #expect(built.summary.exitCode == 0, "\(built.sink.messages)")
        #expect(try indexValidity(connection, "memories_embedding_idx") == true)
        // Once it exists and is valid, the step skips it even where a new build would not fit.
        let again = runIndexStep(ivfflatStep("memories_embedding_idx", table: "memories", lists: 50, budget: "1MB"), on: database)
        #expect(again.sink.outcome == .skipped, "\(again.sink.messages)")
        let progress = built.sink.progress
        print("progress events: \(progress.map { "\($0.phase) \($0.percent.map { "\(Int($0))%" } ?? "")" })")
        #expect(!progress.isEmpty, "a multi-second build reports progress")
        #expect(progress.contains { $0.phase.hasPrefix("building index") })
    }
}
