import Foundation
import PlanModel
import Runner
import Steps
import TestSupport
import Testing

/// A check as a plan would hold it, at a plan line so failures can be traced back.
func check(_ kind: VerifyCheck.Kind, line: Int = 10) -> VerifyCheck {
    VerifyCheck(kind: kind, location: SourceLocation(file: "release.plan.yaml", line: line, column: 7))
}

/// The ✓ and ✗ lines a verify step printed, one per check, in the checks' order.
func checkResults(_ sink: CollectingSink) -> [String] {
    sink.texts.filter { $0.hasPrefix("✓") || $0.hasPrefix("✗") }
}

/// Runs a verify step with `checks` through the engine against `database`.
func runVerify(_ checks: [VerifyCheck], on database: TestDatabase, dryRun: Bool = false) -> (RunSummary, CollectingSink) {
    let harness = StepHarness(url: database.url, readOnly: dryRun)
    let summary = harness.run(VerifyRunner(VerifyStep(checks: checks)), kind: "verify")
    return (summary, harness.sink)
}

/// Writes a migrations folder holding `migrations` (name → SQL) and returns its path.
func migrationsFolder(_ directory: TemporaryDirectory, _ migrations: [(String, String)]) throws -> String {
    for (name, sql) in migrations { try directory.write("migrations/\(name)/migration.sql", sql) }
    try FileManager.default.createDirectory(atPath: directory.path + "/migrations", withIntermediateDirectories: true)
    return directory.path + "/migrations"
}

/// Applies the migrations in `folder` with the migrate step, as a release would.
func migrate(_ folder: String, on database: TestDatabase) {
    let harness = StepHarness(url: database.url)
    let summary = harness.run(MigrateRunner(MigrateStep(migrations: folder)), kind: "migrate")
    #expect(summary.exitCode == 0, "migrate failed: \(harness.sink.transcript)")
}

/// Leaves an INVALID index behind, as a failed CREATE INDEX CONCURRENTLY does.
func makeInvalidIndex(_ name: String, on database: TestDatabase) throws {
    let connection = try database.connect()
    try connection.execute("CREATE TABLE dup (x int); INSERT INTO dup VALUES (1), (1)")
    #expect(throws: PostgresError.self) { try connection.execute("CREATE UNIQUE INDEX CONCURRENTLY \(name) ON dup (x)") }
}

@Suite("verify step")
struct VerifyTests {
    @Test func passingChecksReportWhatTheyObserved() throws {
        let database = try TestDatabase.fresh(extensions: ["vector"])
        defer { database.drop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let folder = try migrationsFolder(
            directory,
            [
                (
                    "20240101000000_init",
                    "CREATE TABLE memories (id integer PRIMARY KEY, body text, embedding vector(3));\nCREATE INDEX idx_body ON memories (body);\n"
                )
            ])
        migrate(folder, on: database)

        let (summary, sink) = runVerify(
            [
                check(.migrationsUpToDate(migrations: folder)),
                check(.index(name: "idx_body", table: "memories", method: .btree, mustBeValid: true)),
                check(.noInvalidIndexes(schema: nil)),
                check(.extensionInstalled(name: "vector", version: (.greaterOrEqual, "0.5.0"))),
                check(.table(schema: nil, name: "memories")),
                check(.table(schema: "public", name: "memories")),
                check(.column(table: "memories", name: "embedding", type: "vector(3)")),
                check(.column(table: "memories", name: "id", type: "int")),
                check(.column(table: "public.memories", name: "body", type: "TEXT")),
                check(.setting(name: "maintenance_work_mem", comparison: .greaterOrEqual, value: "64MB")),
                check(.setting(name: "maintenance_work_mem", comparison: .equal, value: "65536kB")),
                check(.setting(name: "work_mem", comparison: .greaterOrEqual, value: "1024")),
                check(.setting(name: "statement_timeout", comparison: .less, value: "1min")),
                check(.setting(name: "default_transaction_read_only", comparison: .equal, value: "false")),
                check(.query(sql: "SELECT count(*) FROM memories", expect: .value("0"))),
                check(.query(sql: "SELECT * FROM memories", expect: .empty)),
                check(.query(sql: "SELECT generate_series(1, 3)", expect: .rowCount(3))),
            ], on: database)

        #expect(summary.exitCode == 0, "\(sink.transcript)")
        #expect(summary.done == 1)
        #expect(sink.messages(.error).isEmpty)
        let version = try database.connect().execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").scalar ?? nil ?? ""
        #expect(sink.texts.contains("✓ extension vector \(version) >= 0.5.0"))
        #expect(sink.texts.contains("✓ migrations in \(folder): up to date (1 applied)"))
        #expect(sink.texts.contains("✓ index idx_body on memories using btree, valid"))
        #expect(sink.texts.contains("✓ column memories.embedding vector(3)"))
        #expect(sink.texts.contains("✓ column memories.id integer"))
        #expect(sink.texts.contains("✓ setting maintenance_work_mem = 64MB >= 64MB"))
        #expect(sink.texts.contains("✓ query `SELECT count(*) FROM memories` = 0"))
        #expect(sink.texts.filter { $0.hasPrefix("✓") }.count == 17)
        #expect(sink.messages.first { $0.text.hasPrefix("✓ table memories") }?.location == "release.plan.yaml:10:7")
    }

    @Test func everyFailingCheckIsListedAndTheRunExitsOne() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let folder = try migrationsFolder(
            directory,
            [
                (
                    "20240101000000_init",
                    "CREATE TABLE memories (id integer PRIMARY KEY, body text);\nCREATE INDEX idx_body ON memories USING hash (body);\n"
                )
            ])
        migrate(folder, on: database)
        try directory.write("migrations/20240202000000_later/migration.sql", "ALTER TABLE memories ADD COLUMN tag text;")
        try makeInvalidIndex("idx_dup", on: database)

        let (summary, sink) = runVerify(
            [
                check(.migrationsUpToDate(migrations: folder), line: 1),
                check(.index(name: "idx_missing", table: nil, method: nil, mustBeValid: true), line: 2),
                check(.index(name: "idx_body", table: "other", method: .btree, mustBeValid: true), line: 3),
                check(.index(name: "idx_dup", table: "dup", method: .btree, mustBeValid: true), line: 4),
                check(.noInvalidIndexes(schema: "public"), line: 5),
                check(.extensionInstalled(name: "vector", version: nil), line: 6),
                check(.table(schema: nil, name: "nope"), line: 7),
                check(.column(table: "memories", name: "body", type: "integer"), line: 8),
                check(.column(table: "memories", name: "absent", type: nil), line: 9),
                check(.setting(name: "maintenance_work_mem", comparison: .greaterOrEqual, value: "1GB"), line: 10),
                check(.setting(name: "no_such_setting", comparison: .equal, value: "1"), line: 11),
                check(.query(sql: "SELECT count(*) FROM memories", expect: .value("5")), line: 12),
                check(.query(sql: "SELECT 1", expect: .empty), line: 13),
                check(.query(sql: "SELECT 1 UNION ALL SELECT 2", expect: .rowCount(1)), line: 14),
                check(.table(schema: nil, name: "memories"), line: 15),
            ], on: database)

        #expect(summary.exitCode == 1)
        #expect(summary.failed == 1)
        let errors = sink.messages(.error)
        let final = try #require(errors.last)
        #expect(final.text.hasPrefix("verify failed: 14 of 15 check(s) failed:"))
        for line in 1...14 { #expect(final.text.contains("release.plan.yaml:\(line):7: "), "line \(line) missing from \(final.text)") }
        #expect(!final.text.contains("release.plan.yaml:15:7"))
        #expect(sink.texts.contains("✗ index idx_missing: does not exist"))
        #expect(sink.texts.contains { $0.hasPrefix("✗ index idx_dup: INVALID") })
        #expect(sink.texts.contains("✗ index idx_body: it is on table memories, not other; it uses hash, not btree"))
        #expect(sink.texts.contains { $0.hasPrefix("✗ 1 INVALID index(es) in schema public: idx_dup (on dup)") })
        #expect(sink.texts.contains { $0.hasPrefix("✗ migrations in \(folder): 1 migration(s) not yet applied: 20240202000000_later") })
        #expect(sink.texts.contains("✗ column memories.body is text, expected integer"))
        #expect(sink.texts.contains("✗ setting maintenance_work_mem = 64MB, expected >= 1GB"))
        #expect(sink.texts.contains("✗ query `SELECT count(*) FROM memories` = 0, expected 5"))
        #expect(sink.texts.contains("✗ query `SELECT 1 UNION ALL SELECT 2` returned 2 row(s), expected 1"))
        #expect(sink.texts.contains("✓ table memories exists (in schema public)"))
    }

    @Test func extensionVersionsCompareNumericallyByComponent() throws {
        let database = try TestDatabase.fresh(extensions: ["vector"])
        defer { database.drop() }
        let version = try #require(
            try database.connect().execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").scalar ?? nil)
        let (summary, sink) = runVerify(
            [
                check(.extensionInstalled(name: "vector", version: (.greaterOrEqual, "0.10"))),
                check(.extensionInstalled(name: "vector", version: (.less, "0.10"))),
                check(.extensionInstalled(name: "vector", version: (.equal, version + ".0"))),
            ], on: database)
        // pgvector 0.x.y: numerically below 0.10, though "0.8" > "0.10" as text.
        #expect(sink.texts.contains("✗ extension vector \(version), expected >= 0.10 (ALTER EXTENSION vector UPDATE)"))
        #expect(sink.texts.contains("✓ extension vector \(version) < 0.10"))
        #expect(sink.texts.contains("✓ extension vector \(version) = \(version).0"))
        #expect(summary.exitCode == 1)
    }

    @Test func aQueryThatWritesFailsBecauseVerifyIsReadOnly() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        try database.connect().execute("CREATE TABLE audit (note text)")
        let (summary, sink) = runVerify(
            [
                check(.query(sql: "INSERT INTO audit VALUES ('verify was here') RETURNING note", expect: .rowCount(1))),
                check(.query(sql: "COMMIT", expect: .empty)),
                check(.query(sql: "SELECT 1; SELECT 2", expect: .empty)),
                check(.table(schema: nil, name: "audit")),
            ], on: database)
        #expect(summary.exitCode == 1)
        #expect(sink.texts.contains { $0.contains("cannot execute INSERT in a read-only transaction (SQLSTATE 25006)") })
        #expect(sink.texts.contains { $0.contains("cannot run in a verify check") })
        #expect(sink.texts.contains { $0.contains("runs exactly one statement, and this has 2") })
        // A failing query does not stop the checks after it.
        #expect(sink.texts.contains("✓ table audit exists (in schema public)"))
        #expect(try database.connect().execute("SELECT count(*) FROM audit").scalar == "0")
    }

    @Test func checksAroundFailingQueriesAreEvaluatedWithTheirFollowUpQuestions() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        try database.connect().execute("CREATE TABLE notes (body text)")
        // The checks travel in one batch; each failing query makes the server skip the rest,
        // and the extension checks ask a second question (is it available?) after the batch.
        let (summary, sink) = runVerify(
            [
                check(.extensionInstalled(name: "vector", version: nil), line: 1),
                check(.query(sql: "SELECT 1 / 0", expect: .empty), line: 2),
                check(.column(table: "notes", name: "body", type: "text"), line: 3),
                check(.query(sql: "SELECT * FROM no_such_table", expect: .empty), line: 4),
                check(.table(schema: nil, name: "notes"), line: 5),
                check(.extensionInstalled(name: "no_such_extension", version: nil), line: 6),
            ], on: database)
        #expect(summary.exitCode == 1)
        let results = checkResults(sink)
        #expect(results.count == 6)
        #expect(results[0] == "✗ extension vector: not installed (CREATE EXTENSION vector)")
        #expect(results[1].hasPrefix("✗ query `SELECT 1 / 0`: division by zero"))
        #expect(results[2] == "✓ column notes.body text")
        #expect(results[3].hasPrefix("✗ query `SELECT * FROM no_such_table`: relation \"no_such_table\" does not exist"))
        #expect(results[4] == "✓ table notes exists (in schema public)")
        #expect(
            results[5]
                == "✗ extension no_such_extension: not installed and the server does not offer it (install the package on the server)")
        #expect(sink.messages(.error).last?.text.hasPrefix("verify failed: 4 of 6 check(s) failed:") == true)
    }

    @Test func checksThatNeedAFollowUpQuestionGetItAfterTheirBatch() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE DOMAIN label AS text; CREATE TABLE notes (body label)")
        let serverParsesTypes = connection.serverVersionNumber >= 170000
        // Every question succeeds, but two answers need a second question: whether the
        // extension is available, and (PostgreSQL 17+) what the server calls `public.label`.
        let (summary, sink) = runVerify(
            [
                check(.table(schema: nil, name: "notes"), line: 1),
                check(.extensionInstalled(name: "vector", version: nil), line: 2),
                check(.column(table: "notes", name: "body", type: "public.label"), line: 3),
            ], on: database)
        let results = checkResults(sink)
        #expect(
            results == [
                "✓ table notes exists (in schema public)",
                "✗ extension vector: not installed (CREATE EXTENSION vector)",
                serverParsesTypes ? "✓ column notes.body label" : "✗ column notes.body is label, expected public.label",
            ])
        #expect(summary.exitCode == 1)
        #expect(
            try connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'"
            ).scalar == "0")
    }

    @Test func tableChecksFindTheVisibleRelationOrTheNamedSchemasOne() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        try database.connect().execute(
            """
            CREATE SCHEMA other; CREATE TABLE other."Mixed" (id int); CREATE VIEW recent AS SELECT 1 AS one;
            CREATE TABLE plain (id int); CREATE INDEX just_an_index ON plain (id)
            """)
        let (_, sink) = runVerify(
            [
                check(.table(schema: "other", name: "Mixed")),
                check(.table(schema: nil, name: "Mixed")),
                check(.table(schema: nil, name: "recent")),
                check(.table(schema: nil, name: "just_an_index")),
                check(.table(schema: "other", name: "plain")),
            ], on: database)
        #expect(
            checkResults(sink) == [
                "✓ table other.Mixed exists (in schema other)",
                "✗ table Mixed: does not exist in the search_path",
                "✓ table recent exists (in schema public)",
                "✗ table just_an_index: does not exist in the search_path",
                "✗ table other.plain: does not exist",
            ])
    }

    @Test func anInvalidIndexCountsOnlyInItsOwnSchema() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE SCHEMA other; CREATE TABLE other.dup (x int); INSERT INTO other.dup VALUES (1), (1)")
        #expect(throws: PostgresError.self) { try connection.execute("CREATE UNIQUE INDEX CONCURRENTLY \"Dup_X\" ON other.dup (x)") }
        let (_, sink) = runVerify(
            [
                check(.noInvalidIndexes(schema: nil)),
                check(.noInvalidIndexes(schema: "other")),
            ], on: database)
        #expect(
            checkResults(sink) == [
                "✓ no invalid indexes in schema public",
                "✗ 1 INVALID index(es) in schema other: Dup_X (on dup). A failed CREATE INDEX CONCURRENTLY leaves these; drop them (DROP INDEX CONCURRENTLY) and rebuild",
            ])
    }

    @Test func settingsCompareWithUnitsAndTypes() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let (_, sink) = runVerify(
            [
                check(.setting(name: "shared_buffers", comparison: .greaterOrEqual, value: "128MB")),
                check(.setting(name: "lock_timeout", comparison: .equal, value: "0")),
                check(.setting(name: "maintenance_work_mem", comparison: .less, value: "65536")),
                check(.setting(name: "maintenance_work_mem", comparison: .greaterOrEqual, value: "30s")),
                check(.setting(name: "client_encoding", comparison: .equal, value: "UTF8")),
                check(.setting(name: "client_encoding", comparison: .greater, value: "x")),
            ], on: database)
        let results = checkResults(sink)
        #expect(results.count == 6)
        #expect(results[0] == "✓ setting shared_buffers = 256MB >= 128MB")
        #expect(results[1] == "✓ setting lock_timeout = 0 = 0")
        #expect(results[2] == "✗ setting maintenance_work_mem = 64MB, expected < 65536")
        #expect(results[3].hasPrefix("✗ setting maintenance_work_mem = 64MB: cannot check >= 30s"))
        #expect(results[4] == "✓ setting client_encoding = UTF8 = UTF8")
        #expect(results[5].hasPrefix("✗ setting client_encoding = UTF8: cannot check > x"))
    }
}
