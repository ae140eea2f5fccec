import SQL
import Testing

@Suite("plan check: static findings about a SQL file")
struct LintTests {
    func lint(_ sql: String) -> [String] {
        SQLLint.check(sql, file: testFile).map(\.description)
    }

    @Test func indexBuilds() {
        let sql = """
            CREATE TABLE t (x int);
            CREATE INDEX t_x ON t (x);
            CREATE INDEX u_x ON app.u (x);
            CREATE INDEX CONCURRENTLY v_x ON v (x);
            CREATE INDEX CONCURRENTLY IF NOT EXISTS w_x ON w (x);
            """
        #expect(
            lint(sql) == [
                "migration.sql:3:1: warning: CREATE INDEX without CONCURRENTLY on app.u, which this file does not create: it blocks writes to the table for the whole build; use CREATE INDEX CONCURRENTLY (it then runs outside a transaction)",
                "migration.sql:4:1: note: runs outside a transaction, alone in autocommit: CREATE INDEX CONCURRENTLY cannot run inside a transaction block",
                "migration.sql:4:1: warning: CREATE INDEX CONCURRENTLY without IF NOT EXISTS: a failed build leaves an INVALID index behind, and a retry then fails (or, unnamed, builds a second index); name the index and add IF NOT EXISTS",
                "migration.sql:5:1: note: runs outside a transaction, alone in autocommit: CREATE INDEX CONCURRENTLY cannot run inside a transaction block",
            ])
    }

    @Test func tablesMatchAcrossQualificationAndQuoting() {
        #expect(lint("CREATE TABLE public.\"Users\" (x int); CREATE INDEX i ON \"Users\" (x);").isEmpty)
        #expect(lint("CREATE UNLOGGED TABLE IF NOT EXISTS Jobs (x int); CREATE UNIQUE INDEX i ON ONLY public.jobs (x);").isEmpty)
        #expect(lint("CREATE TABLE a.t (x int); CREATE INDEX i ON b.t (x);").count == 1)
        #expect(lint("CREATE TABLE \"Users\" (x int); CREATE INDEX i ON users (x);").count == 1)
    }

    @Test func newEnumValueUsedInTheSameTransaction() {
        #expect(
            lint("ALTER TYPE mood ADD VALUE 'happy';\nUPDATE person SET m = 'happy';") == [
                "migration.sql:2:1: warning: uses the enum value 'happy' that ALTER TYPE mood ADD VALUE at line 1 adds in the same transaction: PostgreSQL fails with \"unsafe use of new value\"; move the ALTER TYPE to an earlier migration"
            ])
        #expect(
            lint("BEGIN;\nALTER TYPE mood ADD VALUE IF NOT EXISTS 'it''s';\nDO $$ BEGIN PERFORM 'it''s'::mood; END $$;\nCOMMIT;").map {
                $0.prefix(21)
            } == [
                "migration.sql:3:1: wa"
            ])
    }

    @Test func statementsThatAddAnEnumValueAreRecognised() throws {
        let statements = try SQLSplitter.split(
            """
            ALTER TYPE "Status" ADD VALUE 'DONE';
            alter type app.mood add value if not exists 'ok' before 'sad';
            ALTER TYPE mood RENAME VALUE 'a' TO 'b';
            ALTER TABLE t ADD VALUE int;
            SELECT 'ALTER TYPE x ADD VALUE';
            """, file: testFile)
        #expect(statements.map(\.addsEnumValue) == [true, true, false, false, false])
    }

    @Test func newEnumValueInALaterTransactionIsFine() {
        let sql = """
            ALTER TYPE mood ADD VALUE 'happy';
            CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (x);
            UPDATE person SET m = 'happy';
            """
        #expect(
            lint(sql) == [
                "migration.sql:2:1: note: runs outside a transaction, alone in autocommit: CREATE INDEX CONCURRENTLY cannot run inside a transaction block"
            ])
        #expect(lint("ALTER TYPE mood ADD VALUE 'happy'; UPDATE person SET m = 'sad' WHERE note = 'happy days';").isEmpty)
    }

    @Test func enumCreatedInTheSameTransactionMayUseNewValues() {
        #expect(lint("CREATE TYPE mood AS ENUM ('sad');\nALTER TYPE mood ADD VALUE 'happy';\nINSERT INTO p VALUES ('happy');").isEmpty)
    }

    @Test func syntaxAndSegmentErrorsAreDiagnostics() {
        #expect(
            lint("SELECT 1;\nSELECT 'x") == [
                "migration.sql:2:8: error: unterminated quoted string: add the closing ' (a quote inside a string is written '')"
            ])
        #expect(SQLLint.check("ROLLBACK;\nROLLBACK;", file: testFile).map(\.severity) == [.error, .error])
    }

    @Test func standardConformingStringsOff() {
        #expect(
            lint("SET standard_conforming_strings = off;") == [
                "migration.sql:1:1: warning: standard_conforming_strings = off makes the server read backslashes in '…' strings as escapes, but plan splits files as if it were on; use E'…' strings instead"
            ])
        #expect(lint("SET standard_conforming_strings TO on;").isEmpty)
    }

    @Test func statementsOutsideTransaction() throws {
        let units = try SQLSegmenter.units(split("SELECT 1; VACUUM; SELECT 2; DROP DATABASE d"))
        #expect(SQLLint.statementsOutsideTransaction(units).map(\.text) == ["VACUUM", "DROP DATABASE d"])
    }

    @Test func diagnosticsAreData() {
        let diagnostic = SQLLint.check("VACUUM", file: "x.sql")[0]
        #expect(
            diagnostic
                == SQLDiagnostic(
                    severity: .note, code: "runs-outside-transaction",
                    message: "runs outside a transaction, alone in autocommit: VACUUM cannot run inside a transaction block",
                    file: "x.sql", line: 1, column: 1))
    }
}
