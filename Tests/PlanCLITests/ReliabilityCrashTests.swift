import Foundation
import Runner
import TestSupport
import Testing

/// Short versions of scripts/reliability's fault trials (docs/RELIABILITY.md): kill the runner
/// or terminate its session at a random moment, re-run as the tool instructs, and check that each
/// migration is recorded once, no unfinished row or INVALID index remains, and the schema equals
/// an uninterrupted run's. ConcurrencyAndCrashTests covers the deterministic kill points.
@Suite("reliability: crash and server-fault trials", .serialized)
struct ReliabilityCrashTests {
    static let plan = """
        plan: 1
        name: trial
        params:
          on_failed: { type: string, default: stop }
        steps:
          - migrate:
              on_failed: ${{ params.on_failed }}
          - verify:
              - migrations: up-to-date
              - invalid-indexes: none
        """

    static func migrations() -> [(String, String)] {
        (1...12).map { n in
            let name = String(format: "%04d_m%d", n, n)
            if n % 4 == 0 {
                return (
                    name,
                    "CREATE TABLE t\(n) (id int, v text);\nINSERT INTO t\(n) SELECT g, md5(g::text) FROM generate_series(1, 30000) g;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t\(n)_v ON t\(n) (v);\nALTER TABLE t\(n) ADD COLUMN w int;\n"
                )
            }
            return (
                name,
                "CREATE TABLE t\(n) (id int, note text DEFAULT E'a;b');\nINSERT INTO t\(n) SELECT g FROM generate_series(1, 20000) g;\nSELECT pg_sleep(0.01);\n"
            )
        }
    }

    struct Trial {
        let project: MigrationsFixture
        init() throws {
            project = try MigrationsFixture(ReliabilityCrashTests.migrations())
            try project.directory.write("trial.plan.yaml", ReliabilityCrashTests.plan)
        }

        func run(_ database: TestDatabase, _ extra: [String] = []) throws -> PlanProcess.Output {
            try PlanProcess.run(
                ["run", "trial.plan.yaml", "--database-url", database.url, "--lock-wait", "30s"] + extra, directory: project.root)
        }

        /// Re-runs until exit 0, doing what the output says.
        func complete(_ database: TestDatabase) throws -> PlanProcess.Output {
            var extra: [String] = []
            var last = try run(database)
            for _ in 0..<6 where last.status != 0 {
                if last.all.contains("on_failed: resume") {
                    extra = ["--set", "on_failed=resume"]
                } else if let range = last.all.range(of: #"plan resolve --rolled-back "?[A-Za-z0-9_]+"#, options: .regularExpression) {
                    let name =
                        last.all[range].split(separator: " ").last.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) } ?? ""
                    try PlanProcess.run(["resolve", "--rolled-back", name, "--database-url", database.url], directory: project.root)
                } else {
                    Thread.sleep(forTimeInterval: 0.5)
                }
                last = try run(database, extra)
            }
            return last
        }

        func expectPromisesHeld(_ database: TestDatabase, reference: String, _ comment: String) throws {
            let connection = try database.connect()
            let history = try connection.execute(
                "SELECT count(DISTINCT migration_name) FILTER (WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL), "
                    + "count(*) FILTER (WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL), "
                    + "count(*) FILTER (WHERE finished_at IS NULL AND rolled_back_at IS NULL) FROM _prisma_migrations")
            #expect(history.rows == [["12", "12", "0"]], "\(comment)")
            #expect(try connection.execute("SELECT count(*) FROM pg_index WHERE NOT indisvalid").scalar == "0", "\(comment)")
            #expect(try ReliabilityCrashTests.schema(connection) == reference, "\(comment)")
        }
    }

    /// The schema as the catalog describes it: tables, columns, indexes (with definitions), functions.
    static func schema(_ connection: PostgresConnection) throws -> String {
        let parts = try [
            "SELECT table_name || '.' || column_name || ' ' || data_type || coalesce(' ' || column_default, '') FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1",
            "SELECT indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
        ].map { try connection.execute($0).rows.map { $0.map { $0 ?? "NULL" }.joined(separator: "|") }.joined(separator: "\n") }
        return parts.joined(separator: "\n--\n")
    }

    func reference(_ trial: Trial) throws -> (String, Double) {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let started = Date()
        let output = try trial.run(database)
        #expect(output.status == 0, "\(output.all)")
        return (try Self.schema(database.connect()), Date().timeIntervalSince(started))
    }

    @Test func fiveSIGKILLTrialsAtRandomMoments() throws {
        let trial = try Trial()
        defer { trial.project.remove() }
        let (schema, duration) = try reference(trial)
        var random = FuzzMutator.SplitMix(seed: 5)
        for index in 0..<5 {
            let database = try TestDatabase.fresh()
            defer { database.drop() }
            let process = try PlanProcess.start(
                ["run", "trial.plan.yaml", "--database-url", database.url], directory: trial.project.root,
                outputPrefix: trial.project.root + "/kill\(index)")
            Thread.sleep(forTimeInterval: Double.random(in: 0.05...max(0.1, duration), using: &random))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let rerun = try trial.complete(database)
            #expect(rerun.status == 0, "trial \(index): \(rerun.all.suffix(2000))")
            try trial.expectPromisesHeld(database, reference: schema, "trial \(index)")
        }
    }

    @Test func twoTerminateBackendTrialsAtRandomMoments() throws {
        let trial = try Trial()
        defer { trial.project.remove() }
        let (schema, duration) = try reference(trial)
        var random = FuzzMutator.SplitMix(seed: 9)
        for index in 0..<2 {
            let database = try TestDatabase.fresh()
            defer { database.drop() }
            let admin = try database.connect()
            let process = try PlanProcess.start(
                ["run", "trial.plan.yaml", "--database-url", database.url], directory: trial.project.root,
                outputPrefix: trial.project.root + "/term\(index)")
            Thread.sleep(forTimeInterval: Double.random(in: 0.05...max(0.1, duration), using: &random))
            _ = try admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'plan/%' AND pid <> pg_backend_pid()"
            )
            process.waitUntilExit()
            let rerun = try trial.complete(database)
            #expect(rerun.status == 0, "trial \(index): \(rerun.all.suffix(2000))")
            try trial.expectPromisesHeld(database, reference: schema, "trial \(index)")
        }
    }

    /// Regression: resuming a migration whose CREATE INDEX CONCURRENTLY unit failed kept the
    /// INVALID index (IF NOT EXISTS skipped the build) and recorded the migration finished.
    @Test func resumeRebuildsAnIndexTheInterruptedUnitLeftInvalid() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([
            (
                "1_unique",
                "CREATE TABLE u (v int);\nINSERT INTO u VALUES (1), (1), (2);\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"U v\" ON u (v);\nALTER TABLE u ADD COLUMN w int;\n"
            )
        ])
        defer { project.remove() }
        let failed = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(failed.status == 1)
        let connection = try database.connect()
        #expect(try connection.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = '\"U v\"'::regclass").scalar == "f")
        // The operator fixes the cause, then resumes as instructed.
        try connection.execute("DELETE FROM u WHERE ctid = (SELECT max(ctid) FROM u WHERE v = 1)")
        let resumed = try PlanProcess.run(["migrate", "--resume", "--database-url", database.url], directory: project.root)
        #expect(resumed.status == 0, "\(resumed.all)")
        #expect(resumed.stdout.contains("dropping the INVALID index"), "\(resumed.all)")
        #expect(
            try connection.execute("SELECT indisvalid, indisunique FROM pg_index WHERE indexrelid = '\"U v\"'::regclass").rows == [
                ["t", "t"]
            ])
        #expect(try connection.execute("SELECT applied_steps_count, finished_at IS NOT NULL FROM _prisma_migrations").rows == [["3", "t"]])
    }

    @Test func sixteenRunnersRaceOnce() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let trial = try Trial()
        defer { trial.project.remove() }
        let processes = try (0..<16).map { runner in
            try PlanProcess.start(
                ["run", "trial.plan.yaml", "--database-url", database.url, "--lock-wait", "120s"], directory: trial.project.root,
                outputPrefix: trial.project.root + "/race\(runner)")
        }
        for process in processes { process.waitUntilExit() }
        for (runner, process) in processes.enumerated() {
            let output = (try? String(contentsOfFile: trial.project.root + "/race\(runner).err", encoding: .utf8)) ?? ""
            #expect(process.terminationStatus == 0 || process.terminationStatus == 3, "runner \(runner): \(output)")
            #expect(!output.contains("deadlock"))
        }
        #expect(
            try database.connect().execute(
                "SELECT count(*), count(DISTINCT migration_name), count(*) FILTER (WHERE finished_at IS NULL) FROM _prisma_migrations"
            ).rows == [["12", "12", "0"]])
    }
}
