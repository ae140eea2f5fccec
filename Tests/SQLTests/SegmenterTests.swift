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
                "T[SELECT 1]", "A[BEGIN,SELECT 2,SAVEPOINT s,ROLLBACK TO s,END]", "T[SELECT 3]",
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

    @Test func beginWithoutCommit() throws {
        #expect(
            try unitError("SELECT 0;\n  BEGIN;\nSELECT 1;")
                == SQLSyntaxError(
                    message: "BEGIN without a matching COMMIT: add COMMIT at the end of the block",
                    file: testFile, line: 2, column: 3))
    }

    @Test func commitWithoutBegin() throws {
        #expect(
            try unitError("SELECT 1;\nCOMMIT;")
                == SQLSyntaxError(
                    message: "COMMIT without a matching BEGIN: remove it (plan already runs the statements around it in a transaction)",
                    file: testFile, line: 2, column: 1))
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
        let result = SQLSegmenter.analyze(try split("COMMIT;\nROLLBACK;\nBEGIN;\nSELECT 1;"))
        #expect(result.errors.map(\.line) == [1, 2, 3])
        #expect(shape(result.units) == ["A[BEGIN,SELECT 1]"])
    }
}
