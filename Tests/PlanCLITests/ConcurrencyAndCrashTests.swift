import Foundation
import Runner
import TestSupport
import Testing

/// SPEC §5: any number of runners apply each migration once; a crash leaves a history the next
/// run completes or reports precisely.
@Suite("concurrent runners and crashes")
struct ConcurrencyAndCrashTests {
    @Test func eightRunnersApplyFiftyMigrationsExactlyOnce() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture(
            (1...50).map { index in
                (
                    String(format: "202401010000%02d_m%02d", index, index),
                    "CREATE TABLE t\(index) (id int);\nINSERT INTO t\(index) VALUES (\(index));\n"
                )
            })
        defer { project.remove() }

        let processes = try (0..<8).map { runner in
            try PlanProcess.start(
                ["migrate", "--database-url", database.url, "--lock-wait", "60s"], directory: project.root,
                outputPrefix: project.root + "/runner\(runner)")
        }
        for process in processes { process.waitUntilExit() }
        for (runner, process) in processes.enumerated() {
            let errors = (try? String(contentsOfFile: project.root + "/runner\(runner).err", encoding: .utf8)) ?? ""
            #expect(process.terminationStatus == 0, "runner \(runner): \(errors)")
        }
        let connection = try database.connect()
        let counts = try connection.execute(
            "SELECT count(*), count(DISTINCT migration_name), count(*) FILTER (WHERE finished_at IS NULL) FROM _prisma_migrations")
        #expect(counts.rows == [["50", "50", "0"]])
        #expect(
            try connection.execute("SELECT sum((SELECT count(*) FROM pg_tables WHERE tablename = 't' || g)) FROM generate_series(1, 50) g")
                .scalar == "50")
    }

    @Test func runnersWaitingForTheLockDoNotBlockTheHoldersConcurrentIndexBuild() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([
            (
                "20240101000000_data",
                "CREATE TABLE big (id int, v text);\nINSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 300000) g;\n"
            ),
            ("20240102000000_index", "CREATE INDEX CONCURRENTLY IF NOT EXISTS big_v ON big (v);\n"),
        ])
        defer { project.remove() }
        let started = Date()
        let processes = try (0..<4).map { runner in
            try PlanProcess.start(
                ["migrate", "--database-url", database.url, "--lock-wait", "120s"], directory: project.root,
                outputPrefix: project.root + "/runner\(runner)")
        }
        for process in processes { process.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        // A blocking pg_advisory_lock in the waiters would hold snapshots the build waits for,
        // and nobody would finish before the lock timeout.
        #expect(Date().timeIntervalSince(started) < 100)
        #expect(try database.connect().execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 'big_v'::regclass").scalar == "t")
    }

    @Test func lockTimeoutExitsThreeAndNamesTheHolder() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([("1_a", "CREATE TABLE a (id int);")])
        defer { project.remove() }
        let holder = try PostgresConnection(target: ConnectionTarget(url: database.url), applicationName: "someone-else")
        try holder.execute("SELECT pg_advisory_lock(72707369)")
        let output = try PlanProcess.run(["migrate", "--database-url", database.url, "--lock-timeout", "1s"], directory: project.root)
        #expect(output.status == 3)
        #expect(output.stdout.contains("waiting for the migration lock"), "\(output.all)")
        #expect(output.all.contains("pid \(holder.backendPID) (someone-else"))
        #expect(output.stderr.contains("could not take the migration lock"))
        #expect(output.stderr.contains("--lock-timeout is deprecated"), "\(output.all)")
    }

    @Test func killDuringATransactionalMigrationLeavesNoTrace() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([
            ("1_slow", "CREATE TABLE slow (id int);\nSELECT pg_sleep(2);\nCREATE TABLE after_sleep (id int);\n")
        ])
        defer { project.remove() }
        let monitor = try database.connect()
        try killMigrateWhileItSleeps(database, project, monitor: monitor)
        #expect(try monitor.execute("SELECT to_regclass('slow') IS NULL").scalar == "t")
        let history = try monitor.execute("SELECT count(*) FROM _prisma_migrations WHERE migration_name = '1_slow'").scalar
        #expect(history == nil || history == "0")

        let rerun = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(rerun.status == 0, "\(rerun.all)")
        #expect(try monitor.execute("SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL").scalar == "1")
    }

    @Test func killDuringANonTransactionalMigrationIsReportedPreciselyAndResumable() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([
            (
                "1_units",
                """
                CREATE TABLE items (id int, name text);
                CREATE INDEX CONCURRENTLY IF NOT EXISTS items_name ON items (name);
                SELECT pg_sleep(2);
                INSERT INTO items VALUES (1, 'one');
                """
            )
        ])
        defer { project.remove() }
        let monitor = try database.connect()
        try killMigrateWhileItSleeps(database, project, monitor: monitor)

        #expect(
            try monitor.execute("SELECT applied_steps_count, finished_at IS NULL, logs IS NULL FROM _prisma_migrations").rows == [
                ["2", "t", "t"]
            ])
        let stopped = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains("2 of its 3 unit(s) committed; unit 3 (line 3) did not finish"), "\(stopped.all)")
        #expect(stopped.stderr.contains("No error was recorded: the run that applied it was interrupted."))

        let resumed = try PlanProcess.run(["migrate", "--resume", "--database-url", database.url], directory: project.root)
        #expect(resumed.status == 0, "\(resumed.all)")
        #expect(try monitor.execute("SELECT count(*) FROM items").scalar == "1")
        #expect(try monitor.execute("SELECT applied_steps_count, finished_at IS NOT NULL FROM _prisma_migrations").rows == [["3", "t"]])
    }
}

/// Starts `plan migrate`, waits until the server runs its `pg_sleep(2)`, SIGKILLs the runner, and
/// waits until the server has noticed and ended the orphaned session.
func killMigrateWhileItSleeps(_ database: TestDatabase, _ project: MigrationsFixture, monitor: PostgresConnection) throws {
    let sleeping =
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(2)%' AND pid <> pg_backend_pid()"
    let process = try PlanProcess.start(
        ["migrate", "--database-url", database.url], directory: project.root, outputPrefix: project.root + "/kill")
    try waitUntil { try monitor.execute(sleeping).scalar == "1" }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    try waitUntil { try monitor.execute(sleeping).scalar == "0" }
}

/// Polls `condition` every 50 ms for up to `seconds`.
func waitUntil(seconds: Double = 20, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return }
        Thread.sleep(forTimeInterval: 0.05)
    }
    Issue.record("condition not met within \(seconds) s")
}
