import Foundation
import PlanModel
import Runner
import Steps
import TestSupport
import Testing

/// A database with one applied and one pending migration, and a release plan's steps: `migrate`,
/// then verify, sql, exec and generate, previewed together.
struct DryRunScenario {
    let database: TestDatabase
    let directory: TemporaryDirectory
    let folder: String

    init(function: String = #function) throws {
        database = try TestDatabase.fresh(extensions: ["vector"], function: function)
        directory = try TemporaryDirectory()
        folder = try migrationsFolder(directory, [("20240101000000_init", "CREATE TABLE memories (id integer PRIMARY KEY, body text);\n")])
        migrate(folder, on: database)
        try directory.write("migrations/20240202000000_embeddings/migration.sql", "ALTER TABLE memories ADD COLUMN embedding vector(3);\n")
        try directory.write(
            "backfill.sql", "UPDATE memories SET body = 'x';\nCREATE INDEX CONCURRENTLY memories_body ON memories (body);\n")
    }

    var marker: String { directory.path + "/exec-ran" }
    var generated: String { directory.path + "/generated" }

    func steps() -> [ExecutableStep] {
        [
            ExecutableStep(name: "migrate", kind: "migrate", runner: MigrateRunner(MigrateStep(migrations: folder))),
            ExecutableStep(
                name: "verify", kind: "verify",
                runner: VerifyRunner(
                    VerifyStep(checks: [
                        check(.migrationsUpToDate(migrations: folder)),
                        check(.table(schema: nil, name: "memories")),
                        check(.column(table: "memories", name: "embedding", type: "vector(3)")),
                        check(.noInvalidIndexes(schema: nil)),
                    ]))),
            ExecutableStep(name: "sql", kind: "sql", runner: SQLStepRunner(SQLStep(source: .file(directory.path + "/backfill.sql")))),
            ExecutableStep(
                name: "exec", kind: "exec",
                runner: ExecRunner(ExecStep(command: .argv(["touch", marker])), environment: ProcessEnvironment.variables())),
            ExecutableStep(
                name: "generate", kind: "generate",
                runner: GenerateRunner(
                    GenerateStep(
                        name: "later", migrations: generated, source: .sql("SELECT 1;")))),
        ]
    }

    func dryRun(url: String) -> (RunSummary, CollectingSink) {
        let harness = StepHarness(url: url, readOnly: true)
        let summary = PlanExecutor.run(
            plan: "release", file: nil, steps: steps(), session: harness.session, reporter: harness.reporter, dryRun: true)
        return (summary, harness.sink)
    }

    func cleanUp() {
        database.drop()
        directory.remove()
    }

    /// Nothing any step would do has happened.
    func expectUntouched() throws {
        #expect(!FileManager.default.fileExists(atPath: marker))
        #expect(!FileManager.default.fileExists(atPath: generated))
        let connection = try database.connect()
        #expect(try connection.execute("SELECT to_regclass('memories_body') IS NULL").scalar == "t")
    }
}

func walPosition() throws -> String {
    try PostgresConnection(target: ConnectionTarget(url: TestDatabase.serverURL)).execute("SELECT pg_current_wal_lsn()").scalar ?? ""
}

@Suite("dry-run of verify, sql, exec and generate")
struct DryRunTests {
    @Test func aDryRunWritesNoWAL() throws {
        // WAL is server-wide and other tests run at the same time: a preview that wrote would move
        // the position on every attempt, so one attempt without a move is proof; each attempt
        // starts on a fresh database so a one-time write could not hide behind an earlier attempt.
        var unchanged = false
        for _ in 1...4 where !unchanged {
            let scenario = try DryRunScenario()
            defer { scenario.cleanUp() }
            let before = try walPosition()
            let (summary, sink) = scenario.dryRun(url: scenario.database.url)
            let after = try walPosition()
            #expect(summary.exitCode == 0, "\(sink.transcript)")
            #expect(summary.wouldRun == 5)
            try scenario.expectUntouched()
            unchanged = before == after
        }
        #expect(unchanged, "pg_current_wal_lsn() moved during every dry-run")
    }

    @Test func aDryRunSucceedsUnderARoleThatCanOnlyRead() throws {
        let scenario = try DryRunScenario()
        defer { scenario.cleanUp() }
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let role = "reader_\(suffix)"
        let password = "pw\(suffix)"
        let admin = try scenario.database.connect()
        try admin.execute(
            """
            CREATE ROLE \(role) LOGIN PASSWORD '\(password)';
            REVOKE ALL ON DATABASE \(PostgresConnection.quoteIdentifier(scenario.database.name)) FROM PUBLIC;
            GRANT CONNECT ON DATABASE \(PostgresConnection.quoteIdentifier(scenario.database.name)) TO \(role);
            GRANT USAGE ON SCHEMA public TO \(role);
            GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(role);
            """)
        defer {
            scenario.database.drop()
            _ = try? PostgresConnection(target: ConnectionTarget(url: TestDatabase.serverURL)).execute("DROP ROLE IF EXISTS \(role)")
        }
        let url = scenario.database.url
        let scheme = try #require(url.range(of: "://"))
        let at = try #require(url.range(of: "@"))
        let readerURL = url.replacingCharacters(in: scheme.upperBound..<at.lowerBound, with: "\(role):\(password)")

        let (summary, sink) = scenario.dryRun(url: readerURL)
        #expect(summary.exitCode == 0, "\(sink.transcript)")
        #expect(summary.wouldRun == 5)
        #expect(sink.messages(.error).isEmpty)
        try scenario.expectUntouched()
        // The reader really cannot write: the same SQL run for real is refused.
        let harness = StepHarness(url: readerURL)
        let denied = harness.run(
            SQLStepRunner(SQLStep(source: .inline("CREATE TABLE t (id int);", location: SourceLocation(file: "p", line: 1, column: 1)))),
            kind: "sql")
        #expect(denied.exitCode == 1)
        #expect(harness.sink.messages(.error).last?.text.contains("SQLSTATE 42501") == true)
    }

    @Test func verifyChecksThatWaitOnEarlierStepsAreShownAsSuch() throws {
        let scenario = try DryRunScenario()
        defer { scenario.cleanUp() }
        let (summary, sink) = scenario.dryRun(url: scenario.database.url)
        #expect(summary.exitCode == 0)
        #expect(
            sink.texts.contains(
                "◦ migrations in \(scenario.folder): 1 migration(s) not yet applied: 20240202000000_embeddings — not a failure yet: step 1 (migrate) changes the migration history of \(scenario.folder) first"
            ), "\(sink.texts)")
        #expect(
            sink.texts.contains(
                "◦ column memories.embedding: does not exist — not a failure yet: step 1 (migrate) changes the schema first"))
        #expect(sink.texts.contains("✓ table memories exists (in schema public)"))
    }

    @Test func verifyProblemsNoStepCanFixFailTheDryRun() throws {
        let scenario = try DryRunScenario()
        defer { scenario.cleanUp() }
        try makeInvalidIndex("idx_dup", on: scenario.database)
        // A migration that started and never finished (Prisma's P3009).
        try scenario.database.connect().execute(
            """
            INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at)
            VALUES ('00000000-0000-4000-8000-000000000000', 'x', '20240202000000_embeddings', now())
            """)
        let harness = StepHarness(url: scenario.database.url, readOnly: true)
        let summary = harness.run(
            VerifyRunner(
                VerifyStep(checks: [
                    check(.migrationsUpToDate(migrations: scenario.folder)),
                    check(.noInvalidIndexes(schema: nil)),
                    check(.column(table: "memories", name: "body", type: "integer")),
                ])), kind: "verify")
        #expect(summary.wouldFail == 1)
        #expect(summary.exitCode == 1)
        let failures = harness.sink.messages(.error).map(\.text)
        #expect(failures.contains { $0.hasPrefix("✗ migrations in \(scenario.folder):") && $0.contains("did not finish") })
        #expect(failures.contains { $0.hasPrefix("✗ 1 INVALID index(es) in schema public: idx_dup") })
        #expect(failures.contains("✗ column memories.body is text, expected integer"))
        #expect(failures.last?.hasPrefix("verify would fail: 3 of 3 check(s) failed:") == true)
    }

    /// A verify preview that cannot see its database has checked nothing: it fails to connect
    /// (exit 3) instead of passing.
    @Test func withoutItsDatabaseAVerifyPreviewFailsToConnect() throws {
        let harness = StepHarness(url: "postgresql://nobody@127.0.0.1:1/nothing?connect_timeout=2", readOnly: true)
        let summary = harness.run(VerifyRunner(VerifyStep(checks: [check(.table(schema: nil, name: "memories"), line: 4)])), kind: "verify")
        #expect(summary.exitCode == 3)
        #expect(summary.wouldRun == 0)
        #expect(harness.sink.messages(.error).last?.text.contains("could not connect to nobody@127.0.0.1:1/nothing") == true)
    }
}
