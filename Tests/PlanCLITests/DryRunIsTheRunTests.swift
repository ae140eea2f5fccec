import Foundation
import TestSupport
import Testing

/// #20: a dry-run prints the plan the run executes. For every step type, the dry-run and then
/// the real run on the same database state: the same actions (words, SQL, order), and each step
/// ends as the dry-run said (would run → done, skipped → skipped, would fail → failed).
@Suite("the dry-run is the run")
struct DryRunIsTheRunTests {
    /// What one invocation reported, from its JSON events.
    struct Report: Equatable, CustomStringConvertible {
        var actions: [[String]] = []
        var outcomes: [String] = []

        init(_ stdout: String) {
            for line in stdout.split(separator: "\n") {
                guard let event = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
                switch event["event"] as? String {
                case "action":
                    let step = (event["step"] as? Int).map(String.init) ?? "?"
                    let summary = Self.withoutTimestamps(event["summary"] as? String ?? "")
                    actions.append([step, summary, event["sql"] as? String ?? ""])
                case "step_finished":
                    outcomes.append(event["outcome"] as? String ?? "?")
                default:
                    break
                }
            }
        }

        /// A generated migration is named after the second it was written in.
        static func withoutTimestamps(_ text: String) -> String {
            text.replacing(/\d{14}_/, with: "TIMESTAMP_")
        }

        /// The outcomes a run has when it does what the dry-run said.
        var asRun: [String] {
            outcomes.map {
                switch $0 {
                case "would-run": "done"
                case "would-fail": "failed"
                default: $0
                }
            }
        }

        var description: String { "outcomes \(outcomes), actions \(actions.map { $0.prefix(2).joined(separator: ": ") })" }
    }

    /// Runs `arguments` with --dry-run, then without, and checks that they agree.
    @discardableResult
    static func expectSame(_ arguments: [String], in directory: String, url: String, exit: Int32 = 0) throws -> (Report, Report) {
        let common = arguments + ["--database-url", url, "--format", "json"]
        let preview = try PlanProcess.run(common + ["--dry-run"], directory: directory)
        let run = try PlanProcess.run(common, directory: directory)
        let (planned, done) = (Report(preview.stdout), Report(run.stdout))
        #expect(preview.status == exit, "\(preview.all)")
        #expect(run.status == exit, "\(run.all)")
        #expect(done.actions == planned.actions, "dry-run: \(planned)\nrun: \(done)")
        #expect(done.outcomes == planned.asRun, "dry-run: \(planned)\nrun: \(done)")
        return (planned, done)
    }

    @Test func migrateAppliesWhatItsDryRunListed() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([
            ("1_tables", "CREATE TABLE t (id int, a int);\nCREATE TABLE u (id int);"),
            ("2_index", "CREATE INDEX CONCURRENTLY t_a ON t (a);\nINSERT INTO u VALUES (1);"),
        ])
        defer { project.remove() }
        let (planned, _) = try Self.expectSame(["migrate"], in: project.root, url: database.url)
        #expect(planned.actions.map { $0[1].prefix(13) } == ["create _prism", "apply 1_table", "apply 2_index"])
        // Nothing pending: both say so and do nothing.
        let (again, _) = try Self.expectSame(["migrate"], in: project.root, url: database.url)
        #expect(again.actions.isEmpty && again.outcomes == ["skipped"])
    }

    /// `plan migrate --resume --dry-run` said "would fail … add on_failed: resume"; the run resumed.
    @Test func resumingAFailedMigrationIsPreviewedAsTheRunResumesIt() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([
            ("1_two_units", "CREATE TABLE t (a int);\nCREATE INDEX CONCURRENTLY t_a ON t (a);\nINSERT INTO nowhere VALUES (1);")
        ])
        defer { project.remove() }
        let failed = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(failed.status == 1, "\(failed.all)")
        try database.connect().execute("CREATE TABLE nowhere (a int)")
        let (planned, _) = try Self.expectSame(["migrate", "--resume"], in: project.root, url: database.url)
        #expect(planned.actions.map(\.[1]) == ["resume 1_two_units at unit 3 of 3: units 1–2 committed earlier"], "\(planned)")
        #expect(try database.connect().execute("SELECT count(*) FROM nowhere").scalar == "1")
    }

    /// An INVALID leftover: the index step planned "drop and rebuild" and the verify after it said
    /// "would fail … no earlier step can change that" (exit 1); the run passed.
    @Test func anInvalidLeftoverRebuiltBeforeVerifyPassesBoth() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (a int); INSERT INTO t VALUES (1), (1)")
        _ = try? connection.execute("CREATE UNIQUE INDEX CONCURRENTLY t_a_idx ON t (a)")
        try connection.execute("DELETE FROM t WHERE ctid = (SELECT max(ctid) FROM t)")
        #expect(try connection.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 't_a_idx'::regclass").scalar == "f")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(
            "release.plan.yaml",
            """
            plan: 1
            name: rebuild
            steps:
              - index-concurrently: { name: t_a_idx, table: t, columns: [a], unique: true }
              - verify: { checks: [ { invalid-indexes: none }, { index: { name: t_a_idx, valid: true } } ] }
            """)
        let (planned, _) = try Self.expectSame(["run", "release.plan.yaml"], in: directory.path, url: database.url)
        #expect(planned.outcomes == ["would-run", "would-run"])
        #expect(planned.actions.map(\.[1]).first?.hasPrefix("drop index public.t_a_idx, INVALID") == true, "\(planned)")
        #expect(try connection.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 't_a_idx'::regclass").scalar == "t")
    }

    @Test func resolveSqlExecAndGenerateDoWhatTheyPreviewed() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([("1_a", "CREATE TABLE a (id int);"), ("2_bad", "CREATE TABLE b (id nosuchtype);")])
        defer { project.remove() }
        #expect(try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root).status == 1)
        try project.directory.write(
            "release.plan.yaml",
            """
            plan: 1
            name: repair
            steps:
              - resolve: { rolled_back: 2_bad }
              - sql: "INSERT INTO a VALUES (1);\\nCREATE INDEX CONCURRENTLY IF NOT EXISTS a_id ON a (id);"
              - exec: { run: ["true"] }
              - generate: { name: later, sql: "SELECT 1;" }
            """)
        let (planned, _) = try Self.expectSame(["run", "release.plan.yaml"], in: project.root, url: database.url)
        #expect(planned.outcomes == ["would-run", "would-run", "would-run", "would-run"])
        #expect(planned.actions.count == 5, "\(planned)")
        #expect(try database.connect().execute("SELECT count(*) FROM a").scalar == "1")
        // Done now: resolve and generate have nothing left to do, and both say so first.
        let (again, _) = try Self.expectSame(["run", "release.plan.yaml"], in: project.root, url: database.url)
        #expect(again.outcomes == ["skipped", "would-run", "would-run", "skipped"])
    }

    @Test func aVerifyThatFailsSaysSoInBoth() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(
            "release.plan.yaml", "plan: 1\nname: check\nsteps:\n  - verify: { checks: [ { table: nowhere } ] }\n")
        let (planned, _) = try Self.expectSame(["run", "release.plan.yaml"], in: directory.path, url: database.url, exit: 1)
        #expect(planned.outcomes == ["would-fail"])
    }
}
