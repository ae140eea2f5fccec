import Runner
import SQL
import TestSupport
import Testing

/// The splitter, classifier and lint checked against a real PostgreSQL (scripts/test provides it
/// through PLAN_TEST_DATABASE_URL; without it these tests fail, as the project's integration
/// tests do). What the server says wins: if a classification or message here disagrees with it,
/// the classifier is wrong.
@Suite("SQL module against a real PostgreSQL server")
struct ServerAgreementTests {
    /// Sends `sql` inside BEGIN … ROLLBACK and returns the server's error, or nil if it ran.
    static func errorInsideBlock(_ sql: String, on connection: PostgresConnection) throws -> PostgresError? {
        try connection.execute("BEGIN")
        defer { _ = try? connection.execute("ROLLBACK") }
        do {
            try connection.execute(sql)
            return nil
        } catch {
            return error
        }
    }

    static func setUp(_ connection: PostgresConnection) throws {
        try connection.execute(
            """
            CREATE TABLE t (x int);
            CREATE INDEX i ON t (x);
            CREATE TABLE p (x int) PARTITION BY RANGE (x);
            CREATE TABLE c PARTITION OF p FOR VALUES FROM (0) TO (10);
            CREATE TYPE mood AS ENUM ('sad');
            """)
    }

    /// Statements the server can evaluate up to its PreventInTransactionBlock check without
    /// outside resources (other databases, tablespace directories, existing subscriptions).
    static let refusedStatements = [
        "CREATE INDEX CONCURRENTLY i2 ON t (x)",
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i3 ON t (x)",
        "DROP INDEX CONCURRENTLY i",
        "REINDEX INDEX CONCURRENTLY i",
        "REINDEX (CONCURRENTLY) TABLE t",
        "REINDEX SCHEMA public",
        "REINDEX DATABASE",
        "REINDEX SYSTEM",
        "VACUUM t",
        "VACUUM (ANALYZE) t",
        "CLUSTER",
        "CREATE DATABASE never_created",
        "DROP DATABASE never_created",
        "CREATE TABLESPACE ts LOCATION '/nonexistent'",
        "DROP TABLESPACE never_created",
        "ALTER SYSTEM SET work_mem = '64MB'",
        "ALTER DATABASE never_created SET TABLESPACE pg_default",
        "DISCARD ALL",
        "COMMIT PREPARED 'never_prepared'",
        "ROLLBACK PREPARED 'never_prepared'",
        "ALTER TABLE p DETACH PARTITION c CONCURRENTLY",
        "CREATE SUBSCRIPTION s CONNECTION 'host=127.0.0.1 port=1 dbname=none' PUBLICATION pub",
    ]

    @Test func refusedStatementsAreRefusedWithTheClassifiersReason() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        try Self.setUp(connection)
        for sql in Self.refusedStatements {
            let statement = try #require(try split(sql).first)
            guard case .nonTransactional(let reason) = statement.kind else {
                Issue.record("classified as \(statement.kind): \(sql)")
                continue
            }
            let error = try Self.errorInsideBlock(sql, on: connection)
            #expect(error?.sqlState == "25001", "\(sql)")
            #expect(error?.message == reason, "\(sql)")
        }
    }

    static let transactionalStatements = [
        "CREATE INDEX i4 ON t (x)",
        "CREATE INDEX concurrently_idx ON t (x)",
        "ANALYZE t",
        "REINDEX TABLE t",
        "REINDEX INDEX i",
        "REINDEX (CONCURRENTLY false) TABLE t",
        "CLUSTER t USING i",
        "ALTER TABLE p DETACH PARTITION c",
        "ALTER TABLE t ADD COLUMN \"concurrently\" int",
        "ALTER TYPE mood ADD VALUE 'happy'",
        "DISCARD PLANS",
        "SELECT 'CREATE DATABASE x; VACUUM'",
        "DO $$ BEGIN PERFORM 1; END $$",
        "CREATE SUBSCRIPTION s CONNECTION 'host=127.0.0.1 port=1 dbname=none' PUBLICATION pub WITH (connect = false)",
        "SAVEPOINT s",
        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
    ]

    @Test func statementsClassifiedAsAllowedRunInsideABlock() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        try Self.setUp(connection)
        for sql in Self.transactionalStatements {
            let statement = try #require(try split(sql).first)
            #expect(statement.kind.mayRunInTransactionBlock, "\(sql)")
            let error = try Self.errorInsideBlock(sql, on: connection)
            #expect(error == nil, "\(sql): \(error?.message ?? "")")
        }
    }

    @Test func everyCorpusStatementIsOneStatementToTheServer() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE TABLE audit_log (m text); CREATE TABLE audit (n int, t text)")
        let statements = try SQLSplitter.split(CorpusTests.bytes("functions.sql"), file: "functions.sql")
        try connection.execute("BEGIN")
        defer { _ = try? connection.execute("ROLLBACK") }
        for statement in statements {
            // The extended protocol refuses several statements in one string, so a statement the
            // splitter cut wrongly (e.g. a BEGIN ATOMIC body) cannot pass unnoticed.
            #expect(throws: Never.self, "\(statement.line): \(statement.text)") {
                try connection.query(statement.text)
            }
        }
        #expect(try connection.execute("SELECT clamp(250, 0, 100)").scalar == "100")
    }

    @Test func unitsOfAMixedMigrationRunAsSegmented() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE TABLE items (id int)")
        let statements = try SQLSplitter.split(CorpusTests.bytes("pgvector.sql"), file: "pgvector.sql")
        for unit in try SQLSegmenter.units(statements) {
            switch unit {
            case .transaction(let statements):
                try connection.execute("BEGIN")
                for statement in statements { try connection.query(statement.text) }
                try connection.execute("COMMIT")
            case .authorBlock(let statements):
                for statement in statements { try connection.query(statement.text) }
            case .autocommit(let statement):
                try connection.query(statement.text)
            }
        }
        #expect(try connection.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 'items_embedding_idx'::regclass").scalar == "t")
    }

    @Test func serverErrorPositionsMapToTheFile() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (x int)")
        let statements = try split("SELECT 1;\n\n-- comment\nSELECT\n  'é', nope_column FROM t;")
        let error = #expect(throws: PostgresError.self) { try connection.execute(statements[1].text) }
        let position = try #require(error?.position)
        #expect(statements[1].sourcePosition(ofServerPosition: position) == SQLSourcePosition(line: 5, column: 8))
    }

    @Test func newEnumValueWarningMatchesTheServer() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE TYPE mood AS ENUM ('sad')")
        let sql = "ALTER TYPE mood ADD VALUE 'happy';\nSELECT 'happy'::mood;"
        #expect(SQLLint.check(sql, file: testFile).map(\.severity) == [.warning])
        try connection.execute("BEGIN")
        defer { _ = try? connection.execute("ROLLBACK") }
        for statement in try split(sql).dropLast() { try connection.execute(statement.text) }
        let error = #expect(throws: PostgresError.self) { try connection.execute("SELECT 'happy'::mood") }
        #expect(error?.sqlState == "55P04")
    }
}
