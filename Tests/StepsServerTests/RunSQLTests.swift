import Foundation
import PlanModel
import Runner
import Steps
import TestSupport
import Testing

func runSQL(
    _ source: SQLStep.Source, transaction: TransactionPolicy = .auto, on database: TestDatabase, dryRun: Bool = false,
    lockTimeout: Duration = .seconds(5)
) -> (RunSummary, CollectingSink) {
    let harness = StepHarness(url: database.url, readOnly: dryRun, lockTimeout: lockTimeout)
    let summary = harness.run(SQLStepRunner(SQLStep(source: source), transaction: transaction), kind: "sql")
    return (summary, harness.sink)
}

@Suite("sql step")
struct RunSQLTests {
    /// How a transactional unit waits for its locks by default, as a dry-run says it.
    static let lockSafe = "; lock_timeout 1s, doubling up to 2s; retried for up to 5m"

    static let mixed = """
        CREATE TABLE items (id int PRIMARY KEY, name text);
        INSERT INTO items VALUES (1, 'a');
        CREATE INDEX CONCURRENTLY items_name ON items (name);
        BEGIN;
        SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;
        INSERT INTO items VALUES (2, 'b');
        COMMIT;
        INSERT INTO items VALUES (3, 'c');

        """

    @Test func aMixedFileRunsInUnitsLikeAMigration() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("backfill.sql", Self.mixed)
        let (summary, sink) = runSQL(.file(file), on: database)
        #expect(summary.exitCode == 0, "\(sink.transcript)")
        #expect(summary.done == 1)
        #expect(sink.texts.contains("8 statement(s) from \(file) in 4 unit(s)"))
        #expect(sink.actions.count == 4)
        let connection = try database.connect()
        #expect(try connection.execute("SELECT string_agg(name, ',' ORDER BY id) FROM items").scalar == "a,b,c")
        #expect(try connection.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 'items_name'::regclass").scalar == "t")
        // Nothing is recorded as a migration.
        #expect(try connection.execute("SELECT to_regclass('_prisma_migrations') IS NULL").scalar == "t")
    }

    @Test func anErrorIsReportedAtItsFileLineAndColumnWithWhatCommitted() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write(
            "fix.sql",
            """
            CREATE TABLE t (id int);
            CREATE INDEX CONCURRENTLY t_id ON t (id);
            INSERT INTO t VALUES (1);
            INSERT INTO t
              VALUES (nosuchcolumn);

            """)
        let (summary, sink) = runSQL(.file(file), on: database)
        #expect(summary.exitCode == 1)
        let error = try #require(sink.messages(.error).last)
        #expect(error.location == "\(file):5:11")
        #expect(error.text.hasPrefix("the sql step failed in unit 3 of 3: column \"nosuchcolumn\" does not exist (SQLSTATE 42703)"))
        #expect(error.text.contains("Units 1–2 of 3 committed and stay applied"))
        #expect(error.text.contains("Unit 3 (one transaction) rolled back"))
        let connection = try database.connect()
        #expect(try connection.execute("SELECT count(*) FROM t").scalar == "0")
        #expect(try connection.execute("SELECT to_regclass('t_id') IS NOT NULL").scalar == "t")
    }

    @Test func inlineSQLErrorsPointIntoThePlanFile() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let onSecondLine = runSQL(
            .inline("SELECT 1;\nSELECT nosuch;", location: SourceLocation(file: "release.plan.yaml", line: 12, column: 9)), on: database)
        #expect(onSecondLine.1.messages(.error).last?.location == "release.plan.yaml:13:8")
        let onFirstLine = runSQL(
            .inline("SELECT nosuch", location: SourceLocation(file: "release.plan.yaml", line: 20, column: 12)), on: database)
        #expect(onFirstLine.1.messages(.error).last?.location == "release.plan.yaml:20:19")
    }

    @Test func transactionRequiredIsAllOrNothingAndRefusesWhatCannotRunInOne() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let atomic = runSQL(
            .inline(
                "CREATE TABLE x (id int);\nINSERT INTO x VALUES (1 / 0);", location: SourceLocation(file: "p.yaml", line: 1, column: 1)),
            transaction: .required, on: database)
        #expect(atomic.0.exitCode == 1)
        #expect(try database.connect().execute("SELECT to_regclass('x') IS NULL").scalar == "t")

        let refused = runSQL(
            .inline(
                "CREATE TABLE y (id int);\nCREATE INDEX CONCURRENTLY y_id ON y (id);",
                location: SourceLocation(file: "p.yaml", line: 5, column: 3)),
            transaction: .required, on: database)
        #expect(refused.0.exitCode == 1)
        let error = try #require(refused.1.messages(.error).last)
        #expect(error.location == "p.yaml:6:1")
        #expect(error.text.hasPrefix("the step says `transaction: required`, but 1 statement(s) cannot run in the step's transaction:"))
        #expect(error.text.contains("CREATE INDEX CONCURRENTLY cannot run inside a transaction block"))
        #expect(try database.connect().execute("SELECT to_regclass('y') IS NULL").scalar == "t")

        let inOne = runSQL(
            .inline("CREATE TABLE z (id int);\nINSERT INTO z VALUES (1);", location: SourceLocation(file: "p.yaml", line: 1, column: 1)),
            transaction: .required, on: database)
        #expect(inOne.0.exitCode == 0)
        #expect(inOne.1.actions.map(\.summary).map { $0.hasPrefix("run unit 1 of 1: one transaction (2 statement(s)") } == [true])
    }

    @Test func transactionNoneRunsEachStatementAlone() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let (summary, sink) = runSQL(
            .inline(
                "CREATE TABLE y (id int);\nINSERT INTO y VALUES (1);\nSELECT 1 / 0;",
                location: SourceLocation(file: "p.yaml", line: 1, column: 1)),
            transaction: .none, on: database)
        #expect(summary.exitCode == 1)
        #expect(sink.messages(.error).last?.text.contains("failed in unit 3 of 3: division by zero") == true)
        #expect(sink.messages(.error).last?.text.contains("Unit 3 ran alone in autocommit and failed") == true)
        #expect(try database.connect().execute("SELECT count(*) FROM y").scalar == "1")
    }

    @Test func itWaitsForTheMigrationLockAndGivesUp() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let holder = try database.connect()
        try holder.execute("SELECT pg_advisory_lock(72707369)")
        let (summary, sink) = runSQL(
            .inline("CREATE TABLE locked (id int);", location: SourceLocation(file: "p.yaml", line: 1, column: 1)),
            on: database, lockTimeout: .milliseconds(300))
        #expect(summary.exitCode == 3)
        #expect(sink.messages(.error).last?.text.contains("could not take the migration lock") == true)
        #expect(try holder.execute("SELECT to_regclass('locked') IS NULL").scalar == "t")
    }

    @Test func aSyntaxProblemStopsBeforeAnythingRuns() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("broken.sql", "CREATE TABLE ok (id int);\nSELECT 'unterminated;\n")
        let (summary, sink) = runSQL(.file(file), on: database)
        #expect(summary.exitCode == 1)
        #expect(sink.messages(.error).last?.location == "\(file):2:8")
        #expect(try database.connect().execute("SELECT to_regclass('ok') IS NULL").scalar == "t")
        let (missing, missingSink) = runSQL(.file(directory.path + "/nope.sql"), on: database)
        #expect(missing.exitCode == 1)
        #expect(missingSink.messages(.error).last?.text.hasPrefix("SQL file \(directory.path)/nope.sql does not exist") == true)
    }

    @Test func previewShowsEachUnitWithItsModeAndRunsNothing() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("backfill.sql", Self.mixed)
        let (summary, sink) = runSQL(.file(file), on: database, dryRun: true)
        #expect(summary.exitCode == 0)
        #expect(summary.wouldRun == 1)
        let units = sink.actions
        #expect(
            units.map(\.summary) == [
                "run unit 1 of 4: one transaction (2 statement(s), from line 1)\(Self.lockSafe)",
                "run unit 2 of 4: alone in autocommit, line 3: CREATE INDEX CONCURRENTLY cannot run inside a transaction block"
                    + "; no lock_timeout (a statement run alone is not given one)",
                "run unit 3 of 4: the SQL's own transaction block, run as written (from line 4)\(Self.lockSafe)",
                "run unit 4 of 4: one transaction (1 statement(s), from line 8)\(Self.lockSafe)",
            ])
        #expect(units[1].sql == "CREATE INDEX CONCURRENTLY items_name ON items (name);")
        #expect(units[1].location == "\(file):3:1")
        #expect(try database.connect().execute("SELECT to_regclass('items') IS NULL").scalar == "t")
        // The run does exactly what the preview said, unit by unit.
        #expect(runSQL(.file(file), on: database).1.actions == units)

        let refused = runSQL(.file(file), transaction: .required, on: database, dryRun: true)
        #expect(refused.0.wouldFail == 1)
        #expect(refused.0.exitCode == 1)
    }
}
