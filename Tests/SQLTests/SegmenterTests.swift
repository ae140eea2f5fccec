import SQL
import Testing

@Suite("Grouping statements into the units the runner executes")
struct SegmenterTests {
    func units(_ sql: String) throws -> [SQLUnit] {
        try SQLSegmenter.units(split(sql))
    }

    func unitError(_ sql: String) throws -> SQLSyntaxError? {
        let statements = try split(sql)
        do {
            _ = try SQLSegmenter.units(statements)
            return nil
        } catch {
            return error
        }
    }

    /// A compact picture of units: "T[a,b]" transaction, "A[…]" author block, "C[x]" autocommit.
    func shape(_ units: [SQLUnit]) -> [String] {
        units.map { unit in
            let texts = unit.statements.map(\.text).joined(separator: ",")
            switch unit {
            case .transaction: return "T[\(texts)]"
            case .authorBlock: return "A[\(texts)]"
            case .autocommit: return "C[\(texts)]"
            }
        }
    }

    @Test func prismaExplicitBlockRunsAsWritten() throws {
        let sql = """
            BEGIN;
            SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
            ALTER TABLE a ADD COLUMN b int;
            COMMIT;
            """
        #expect(
            shape(try units(sql)) == [
                "A[BEGIN,SET TRANSACTION ISOLATION LEVEL REPEATABLE READ,ALTER TABLE a ADD COLUMN b int,COMMIT]"
            ])
    }

    @Test func nonTransactionalStatementsSplitRuns() throws {
        let sql = """
            CREATE TABLE t (x int); ALTER TABLE t ADD y int;
            CREATE INDEX CONCURRENTLY i ON t (x);
            UPDATE t SET y = 1;
            VACUUM t;
            """
        #expect(
            shape(try units(sql)) == [
                "T[CREATE TABLE t (x int),ALTER TABLE t ADD y int]",
                "C[CREATE INDEX CONCURRENTLY i ON t (x)]",
                "T[UPDATE t SET y = 1]",
                "C[VACUUM t]",
            ])
    }

    @Test func authorBlocksBetweenRuns() throws {
        let sql = "SELECT 1; BEGIN; SELECT 2; SAVEPOINT s; ROLLBACK TO s; END; SELECT 3; DROP INDEX CONCURRENTLY i"
        #expect(
            shape(try units(sql)) == [
                "A[SELECT 1,BEGIN,SELECT 2,SAVEPOINT s,ROLLBACK TO s,END]", "T[SELECT 3]",
                "C[DROP INDEX CONCURRENTLY i]",
            ])
    }

    @Test func setTransactionStartsItsOwnTransaction() throws {
        #expect(
            shape(try units("SELECT 1; SET TRANSACTION READ ONLY; SELECT 2")) == [
                "T[SELECT 1]", "T[SET TRANSACTION READ ONLY,SELECT 2]",
            ])
    }

    @Test func savepointsStayInTheRun() throws {
        #expect(shape(try units("SELECT 1; SAVEPOINT a; SELECT 2; RELEASE a")) == ["T[SELECT 1,SAVEPOINT a,SELECT 2,RELEASE a]"])
    }

    @Test func emptyFileHasNoUnits() throws {
        #expect(try units("-- nothing\n;").isEmpty)
    }

    /// As in the single message Prisma sends: statements before BEGIN join its block.
    @Test func statementsBeforeBeginJoinItsBlock() throws {
        let statements = try split("SELECT 0;\nBEGIN;\nSELECT 1;\nCOMMIT;")
        #expect(shape(try SQLSegmenter.units(statements)) == ["A[SELECT 0,BEGIN,SELECT 1,COMMIT]"])
        #expect(
            SQLSegmenter.notes(statements) == [
                SQLSyntaxError(
                    message:
                        "the 1 statement(s) before this BEGIN join its transaction block, as in the single message Prisma sends",
                    file: testFile, line: 2, column: 1)
            ])
    }

    @Test func beginWithoutCommitRunsToTheEndAndCommits() throws {
        let statements = try split("  BEGIN;\nSET TRANSACTION ISOLATION LEVEL SERIALIZABLE;\nSELECT 1;")
        #expect(shape(try SQLSegmenter.units(statements)) == ["T[SET TRANSACTION ISOLATION LEVEL SERIALIZABLE,SELECT 1]"])
        #expect(
            SQLSegmenter.notes(statements).map { "\($0.line):\($0.column): \($0.message)" } == [
                "1:3: this BEGIN has no COMMIT: its block runs to the end of the file and commits with the migration (Prisma's message would leave it open)"
            ])
    }

    /// `ALTER TYPE … ADD VALUE …; COMMIT; INSERT …` (the new value used after the commit).
    @Test func commitWithoutBeginEndsAUnit() throws {
        let statements = try split("ALTER TYPE r ADD VALUE 'b';\nCOMMIT;\nINSERT INTO t VALUES ('b');")
        #expect(shape(try SQLSegmenter.units(statements)) == ["T[ALTER TYPE r ADD VALUE 'b']", "T[INSERT INTO t VALUES ('b')]"])
        #expect(SQLSegmenter.notes(statements).map(\.line) == [2])
    }

    @Test func nestedBegin() throws {
        #expect(
            try unitError("BEGIN;\nSELECT 1;\nBEGIN;\nCOMMIT;")
                == SQLSyntaxError(
                    message: "BEGIN inside the transaction block opened at 1:1: blocks do not nest; add a COMMIT before it or remove it",
                    file: testFile, line: 3, column: 1))
    }

    @Test func rollbackIsRejected() throws {
        #expect(
            try unitError("BEGIN;\nSELECT 1;\nROLLBACK;")
                == SQLSyntaxError(
                    message:
                        "ROLLBACK in a migration discards its own work, so it could never be applied: remove it (plan rolls back on failure)",
                    file: testFile, line: 3, column: 1))
        #expect(try unitError("ABORT")?.line == 1)
    }

    @Test func refusedStatementInsideAuthorBlock() throws {
        #expect(
            try unitError("BEGIN;\nCREATE INDEX CONCURRENTLY i ON t (x);\nCOMMIT;")
                == SQLSyntaxError(
                    message:
                        "CREATE INDEX CONCURRENTLY cannot run inside a transaction block, but it is inside the block that BEGIN at 1:1 opened; move it after that block's COMMIT",
                    file: testFile, line: 2, column: 1))
    }

    @Test func unsupportedTransactionControl() throws {
        #expect(
            try unitError("BEGIN; SELECT 1; COMMIT AND CHAIN; SELECT 2; COMMIT")?.message
                == "COMMIT AND CHAIN is not supported: write COMMIT; BEGIN; instead")
        #expect(
            try unitError("BEGIN; PREPARE TRANSACTION 'x'")?.message
                == "PREPARE TRANSACTION is not supported: plan commits its own transactions")
    }

    @Test func analyzeReportsEveryError() throws {
        let result = SQLSegmenter.analyze(try split("ROLLBACK;\nBEGIN;\nBEGIN;\nSELECT 1;\nROLLBACK;"))
        #expect(result.errors.map(\.line) == [1, 3, 5])
        #expect(shape(result.units) == ["T[SELECT 1]"])
    }
}
