import Foundation
import Runner
import TestSupport
import Testing

/// SPEC §5 "Lock-safe" (issue #18): a migration waiting for its lock never makes other sessions
/// queue for long, and a transient failure that changed nothing leaves nothing to resolve.
@Suite("lock-safe deploys")
struct LockSafeDeployTests {
    /// A project whose first migration (a table with a row) is applied, and a second that
    /// alters the table, pending.
    static func project(_ database: TestDatabase, second: String = "ALTER TABLE t ADD COLUMN note text;\n") throws -> MigrationsFixture {
        let project = try MigrationsFixture([("1_t", "CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\n")])
        let first = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(first.status == 0, "\(first.all)")
        _ = try project.add("2_note", second)
        return project
    }

    /// Polls `condition` until it holds (true) or `limit` passes (false).
    static func waitUntil(_ limit: Duration = .seconds(20), _ condition: () throws -> Bool) rethrows -> Bool {
        let clock = ContinuousClock()
        let end = clock.now + limit
        while clock.now < end {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Waits until plan's migrating connection waits for a lock, then times a third session's
    /// `SELECT` on `table`: the wait a deploy imposes on production traffic.
    static func thirdSessionWait(_ database: TestDatabase, table: String = "t") throws -> Duration {
        let observer = try database.connect()
        let waiting = try waitUntil {
            try observer.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
                    + "AND application_name LIKE 'plan/%' "
                    + "AND application_name NOT LIKE '%lock watch'"
            ).scalar != "0"
        }
        #expect(waiting, "plan never waited for a lock")
        let third = try database.connect()
        let clock = ContinuousClock()
        let start = clock.now
        _ = try third.execute("SELECT count(*) FROM \(table)")
        return clock.now - start
    }

    static func historyRows(_ database: TestDatabase, _ name: String) throws -> String {
        try database.connect().execute(
            "SELECT count(*) || ' rows, ' || count(finished_at) || ' finished, ' || count(*) FILTER (WHERE logs IS NOT NULL) || ' with logs' "
                + "FROM _prisma_migrations WHERE migration_name = '\(name)'"
        ).scalar ?? ""
    }

    static func output(_ prefix: String) -> (stdout: String, stderr: String) {
        (
            (try? String(contentsOfFile: prefix + ".out", encoding: .utf8)) ?? "",
            (try? String(contentsOfFile: prefix + ".err", encoding: .utf8)) ?? ""
        )
    }

    @Test func aMigrationBehindALongReadWaitsInShortAttemptsAndAppliesOnceTheReadEnds() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try Self.project(database)
        defer { project.remove() }
        let holder = try PostgresConnection(target: ConnectionTarget(url: database.url), applicationName: "nightly-report")
        try holder.execute("BEGIN; SELECT * FROM t")
        // The long read ends 6 s from now; only this timer touches the holder from here on.
        nonisolated(unsafe) let release = holder
        let released = DispatchSemaphore(value: 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + 6) {
            _ = try? release.execute("COMMIT")
            released.signal()
        }
        let clock = ContinuousClock()
        let start = clock.now
        let process = try PlanProcess.start(
            ["migrate", "--database-url", database.url], directory: project.root, outputPrefix: project.root + "/migrate")
        let wait = try Self.thirdSessionWait(database)
        process.waitUntilExit()
        let took = clock.now - start
        released.wait()
        let (stdout, stderr) = Self.output(project.root + "/migrate")
        print("lock-safe: third session waited \(wait); the migration took \(took)")
        #expect(wait < .seconds(3), "a reader queued \(wait) behind the waiting migration")
        #expect(process.terminationStatus == 0, "\(stdout)\(stderr)")
        #expect(
            stdout.contains(
                "waits for a lock (attempt 1, lock_timeout 1s): blocked by pid \(holder.backendPID) (application_name 'nightly-report'"),
            "\(stdout)")
        #expect(stdout.contains("idle in transaction, transaction open "), "\(stdout)")
        #expect(stdout.contains("query: BEGIN; SELECT * FROM t)"), "\(stdout)")
        #expect(stdout.contains("canceling statement due to lock timeout (attempt 1); its transaction rolled back whole"), "\(stdout)")
        #expect(stdout.contains("→ apply 2_note"), "\(stdout)")
        #expect(try Self.historyRows(database, "2_note") == "1 rows, 1 finished, 0 with logs")
        #expect(
            try database.connect().execute(
                "SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND column_name = 'note'"
            )
            .scalar == "1")
    }

    @Test func aMigrationThatRunsOutOfBudgetLeavesNoRowAndTheNextDeployAppliesIt() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try Self.project(database)
        defer { project.remove() }
        try project.directory.write(
            "deploy.plan.yaml",
            """
            plan: 1
            name: deploy
            settings:
              lock_retry: { budget: 1500ms }
            steps:
              - migrate: {}
            """)
        let holder = try PostgresConnection(target: ConnectionTarget(url: database.url), applicationName: "nightly-report")
        try holder.execute("BEGIN; SELECT * FROM t")
        let process = try PlanProcess.start(
            ["run", "deploy.plan.yaml", "--database-url", database.url, "--format", "json", "--summary", project.root + "/summary.md"],
            directory: project.root, outputPrefix: project.root + "/run")
        let wait = try Self.thirdSessionWait(database)
        process.waitUntilExit()
        let (stdout, stderr) = Self.output(project.root + "/run")
        print("lock-safe (budget ran out): third session waited \(wait)")
        #expect(wait < .seconds(3), "a reader queued \(wait) behind the waiting migration")
        #expect(process.terminationStatus == 1, "\(stdout)\(stderr)")
        #expect(stdout.contains("migration 2_note could not take its locks: canceling statement due to lock timeout"), "\(stdout)")
        #expect(stdout.contains("it waited for pid \(holder.backendPID) (application_name 'nightly-report'"), "\(stdout)")
        #expect(stdout.contains("nothing was recorded in _prisma_migrations"), "\(stdout)")
        let summary = (try? String(contentsOfFile: project.root + "/summary.md", encoding: .utf8)) ?? ""
        #expect(summary.contains("waits for a lock"), "\(summary)")
        #expect(try Self.historyRows(database, "2_note") == "0 rows, 0 finished, 0 with logs")

        try holder.execute("COMMIT")
        let again = try PlanProcess.run(["run", "deploy.plan.yaml", "--database-url", database.url], directory: project.root)
        #expect(again.status == 0, "\(again.all)")
        #expect(!again.all.contains("resolve"), "\(again.all)")
        #expect(try Self.historyRows(database, "2_note") == "1 rows, 1 finished, 0 with logs")
    }

    @Test func aStepRetryOfAMigrationThatGaveUpNeverTripsOverItsOwnHistory() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        // Unit 1 alters the table (a transaction), unit 2 builds an index concurrently.
        let project = try Self.project(
            database, second: "ALTER TABLE t ADD COLUMN note text;\nCREATE INDEX CONCURRENTLY t_note ON t (note);\n")
        defer { project.remove() }
        try project.directory.write(
            "deploy.plan.yaml",
            """
            plan: 1
            name: deploy
            steps:
              - migrate: { lock_retry: { budget: 500ms } }
                retry: { attempts: 30, backoff: 100ms }
            """)
        let holder = try PostgresConnection(target: ConnectionTarget(url: database.url), applicationName: "nightly-report")
        try holder.execute("BEGIN; SELECT * FROM t")
        let process = try PlanProcess.start(
            ["run", "deploy.plan.yaml", "--database-url", database.url], directory: project.root, outputPrefix: project.root + "/run")
        // The step gives up and is retried at least once while the read is open, then it ends.
        let observer = try database.connect()
        let retried = Self.waitUntil {
            Self.output(project.root + "/run").stdout.contains("retrying in")
        }
        #expect(retried)
        try holder.execute("COMMIT")
        process.waitUntilExit()
        let (stdout, stderr) = Self.output(project.root + "/run")
        #expect(process.terminationStatus == 0, "\(stdout)\(stderr)")
        #expect(!stdout.contains("P3009"), "\(stdout)")
        #expect(try Self.historyRows(database, "2_note") == "1 rows, 1 finished, 0 with logs")
        #expect(try observer.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 't_note'::regclass").scalar == "t")
    }

    @Test func aDeadlockWithAnotherSessionIsRetriedAndTheMigrationApplies() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([("1_ab", "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n")])
        defer { project.remove() }
        #expect(try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root).status == 0)
        // The migration locks a, then (after a pause, the window the other session takes) b.
        _ = try project.add(
            "2_ab", "ALTER TABLE a ADD COLUMN x int;\nSELECT pg_sleep(1.5);\nALTER TABLE b ADD COLUMN y int;\n")
        // The migration's backend finds the cycle quickly; the other session never looks.
        let admin = try PostgresConnection(target: ConnectionTarget(url: TestDatabase.serverURL))
        try admin.execute("ALTER DATABASE \(PostgresConnection.quoteIdentifier(database.name)) SET deadlock_timeout = '200ms'")
        let other = try PostgresConnection(target: ConnectionTarget(url: database.url), applicationName: "worker")
        try other.execute("SET deadlock_timeout = '60s'; BEGIN; SELECT * FROM b")
        let process = try PlanProcess.start(
            ["migrate", "--database-url", database.url], directory: project.root, outputPrefix: project.root + "/migrate")
        let observer = try database.connect()
        let holdsA = try Self.waitUntil {
            try observer.execute(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity s USING (pid) WHERE s.datname = current_database() AND l.relation = 'a'::regclass "
                    + "AND l.mode = 'AccessExclusiveLock' AND l.granted AND s.application_name LIKE 'plan/%'"
            ).scalar != "0"
        }
        #expect(holdsA)
        // The other session now reads a: it waits for the migration, which will wait for b.
        let clock = ContinuousClock()
        let start = clock.now
        _ = try other.execute("SELECT count(*) FROM a")
        let wait = clock.now - start
        try other.execute("COMMIT")
        process.waitUntilExit()
        let (stdout, stderr) = Self.output(project.root + "/migrate")
        print("lock-safe (deadlock): the other session waited \(wait)")
        #expect(wait < .seconds(3), "the other session queued \(wait) behind the migration")
        #expect(process.terminationStatus == 0, "\(stdout)\(stderr)")
        #expect(stdout.contains("deadlock detected (attempt 1); its transaction rolled back whole"), "\(stdout)")
        #expect(try Self.historyRows(database, "2_ab") == "1 rows, 1 finished, 0 with logs")
        #expect(
            try observer.execute(
                "SELECT count(*) FROM information_schema.columns WHERE (table_name, column_name) IN (('a', 'x'), ('b', 'y'))"
            ).scalar == "2")
    }

    @Test func aMigrationThatFailsForAnotherReasonStillRecordsPrismasFailedRow() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try Self.project(database, second: "ALTER TABLE missing ADD COLUMN note text;\n")
        defer { project.remove() }
        let output = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(output.status == 1, "\(output.all)")
        #expect(output.all.contains("P3018"), "\(output.all)")
        #expect(!output.all.contains("retrying"), "\(output.all)")
        #expect(try Self.historyRows(database, "2_note") == "1 rows, 0 finished, 1 with logs")
        #expect(
            try database.connect().execute(
                "SELECT logs LIKE '%Database error code: 42P01%' FROM _prisma_migrations WHERE migration_name = '2_note'"
            )
            .scalar == "t")
    }

    @Test func theDryRunShowsEachUnitsLockTimeoutAndBudget() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try Self.project(
            database, second: "ALTER TABLE t ADD COLUMN note text;\nCREATE INDEX CONCURRENTLY t_note ON t (note);\n")
        defer { project.remove() }
        let output = try PlanProcess.run(["migrate", "--database-url", database.url, "--dry-run"], directory: project.root)
        #expect(output.status == 0, "\(output.all)")
        #expect(
            output.stdout.contains(
                "unit 1: one transaction (1 statement(s), from line 1); lock_timeout 1s, doubling up to 2s; retried for up to 5m"),
            "\(output.stdout)")
        #expect(output.stdout.contains("no lock_timeout (a statement run alone is not given one)"), "\(output.stdout)")
    }

    @Test func aSessionWideLockTimeoutNoLongerReachesStatementsRunAlone() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(
            "p.plan.yaml",
            """
            plan: 1
            name: settings
            settings: { lock_timeout: 3s }
            steps:
              - sql: "CREATE TABLE seen AS SELECT current_setting('lock_timeout') AS inside;"
              - sql: { sql: "INSERT INTO seen SELECT current_setting('lock_timeout');", lock_timeout: none }
            """)
        let output = try PlanProcess.run(["run", "p.plan.yaml", "--database-url", database.url], directory: directory.path)
        #expect(output.status == 0, "\(output.all)")
        #expect(try database.connect().execute("SELECT string_agg(inside, ',' ORDER BY inside DESC) FROM seen").scalar == "3s,0")
    }
}
