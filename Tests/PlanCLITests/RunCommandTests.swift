import Foundation
import Runner
import TestSupport
import Testing

/// `plan run` end to end on the shipped example service, as its CI workflow and deploy run it.
@Suite("plan run")
struct RunCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let memoryService = repository + "/examples/memory-service"

    /// The dry-run writes nothing (the WAL position does not move) and its Markdown summary —
    /// what CI posts on a pull request — is exactly the golden one, times aside.
    @Test func dryRunOfTheExampleWritesNothingAndItsSummaryMatchesTheGolden() throws {
        // WAL is server-wide: scripts/test runs this test in a phase of its own, and a dry-run
        // that wrote would move the position on every attempt, so one still attempt is proof.
        var unchanged = false
        for _ in 1...5 where !unchanged {
            let database = try TestDatabase.fresh()
            defer { database.drop() }
            let summaryFile = NSTemporaryDirectory() + "plan-summary-\(UUID().uuidString).md"
            defer { try? FileManager.default.removeItem(atPath: summaryFile) }
            let connection = try database.connect()
            let before = try connection.execute("SELECT pg_current_wal_lsn()").scalar

            let output = try PlanProcess.run(
                ["run", "release.plan.yaml", "--dry-run", "--summary", summaryFile], environment: ["DATABASE_URL": database.url],
                directory: Self.memoryService)
            #expect(output.status == 0, "\(output.all)")
            unchanged = try connection.execute("SELECT pg_current_wal_lsn()").scalar == before
            #expect(try connection.execute("SELECT to_regclass('_prisma_migrations') IS NULL").scalar == "t")

            let port = URLComponents(string: database.url)?.port ?? 0
            let summary = Self.withoutTimes(try String(contentsOfFile: summaryFile, encoding: .utf8))
                .replacing("127.0.0.1:\(port)/\(database.name)", with: "127.0.0.1:PORT/DATABASE")
            let goldenPath = Self.repository + "/Tests/PlanCLITests/Golden/memory-service-dry-run.md"
            if ProcessInfo.processInfo.environment["PLAN_UPDATE_GOLDEN"] == "1" {
                try summary.write(toFile: goldenPath, atomically: true, encoding: .utf8)
            }
            #expect(summary == (try String(contentsOfFile: goldenPath, encoding: .utf8)))
        }
        #expect(unchanged, "pg_current_wal_lsn() moved during every dry-run")
    }

    /// A deploy with nothing to do writes nothing: no history row, no flush, no WAL.
    @Test func aMigrateWithNothingPendingWritesNothing() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([("1_a", "CREATE TABLE a (id int);"), ("2_b", "CREATE TABLE b (id int);")])
        defer { project.remove() }
        #expect(try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root).status == 0)
        let connection = try database.connect()
        var unchanged = false
        for _ in 1...5 where !unchanged {
            let before = try connection.execute("SELECT pg_current_wal_lsn()").scalar
            let output = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
            #expect(output.status == 0, "\(output.all)")
            #expect(output.stdout.contains("no pending migrations"))
            unchanged = try connection.execute("SELECT pg_current_wal_lsn()").scalar == before
        }
        #expect(unchanged, "pg_current_wal_lsn() moved during every no-op migrate")
    }

    /// `--format json`: every line parses, every step starts and finishes, the summary is last.
    /// When plan exits the migration lock is already free: a deploy started right after does not
    /// find it held (the unlock's reply is awaited before the connection closes).
    @Test func theLockIsFreeTheMomentPlanExits() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([("1_a", "CREATE TABLE a (id int);\n")])
        defer { project.remove() }
        let monitor = try database.connect()
        for _ in 1...5 {
            let run = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
            #expect(run.status == 0, "\(run.all)")
            #expect(try monitor.migrationLockHolders() == "0")
        }
    }

    /// verify's `migrations` check reuses the folder the migrate step read, except after a step
    /// that may have changed files: an exec step that edits an applied migration is noticed.
    @Test func verifyAfterAnExecStepSeesTheFilesAsTheyAreNow() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([("1_a", "CREATE TABLE a (id int);\n")])
        defer { project.remove() }
        try project.directory.write(
            "release.plan.yaml",
            """
            plan: 1
            name: edit
            steps:
              - migrate: {}
              - verify:
                  - migrations: up-to-date
              - exec:
                  run: [/bin/sh, -c, "echo '-- edited' >> prisma/migrations/1_a/migration.sql"]
              - verify:
                  - migrations: up-to-date

            """)
        let output = try PlanProcess.run(["run", "release.plan.yaml", "--database-url", database.url], directory: project.root)
        #expect(output.status == 1, "\(output.all)")
        #expect(output.stdout.contains("✓ migrations in prisma/migrations: up to date (1 applied)"), "\(output.all)")
        #expect(output.all.contains("changed after they were applied (checksum differs): 1_a"), "\(output.all)")
    }

    /// verify right after a migrate that wrote nothing reuses the history migrate read; after any
    /// other step it reads the table again: a sql step that deletes a history row is noticed.
    @Test func verifyAfterASQLStepSeesTheHistoryAsItIsNow() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([("1_a", "CREATE TABLE a (id int);\n")])
        defer { project.remove() }
        let applied = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(applied.status == 0, "\(applied.all)")
        try project.directory.write(
            "release.plan.yaml",
            """
            plan: 1
            name: forget
            steps:
              - migrate: {}
              - verify:
                  - migrations: up-to-date
              - sql: DELETE FROM _prisma_migrations WHERE migration_name = '1_a'
              - verify:
                  - migrations: up-to-date

            """)
        let output = try PlanProcess.run(["run", "release.plan.yaml", "--database-url", database.url], directory: project.root)
        #expect(output.status == 1, "\(output.all)")
        #expect(output.stdout.contains("✓ migrations in prisma/migrations: up to date (1 applied)"), "\(output.all)")
        #expect(output.all.contains("1 migration(s) not yet applied: 1_a"), "\(output.all)")
    }

    @Test func jsonOutputOfAFullRunHasEveryStepsStartAndFinish() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let output = try PlanProcess.run(
            ["run", "release.plan.yaml", "--format", "json", "--set", "seed=true"], environment: ["DATABASE_URL": database.url],
            directory: Self.memoryService)
        #expect(output.status == 0, "\(output.all)")
        let events = try output.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
        }
        #expect(events.first?["event"] as? String == "run_started")
        #expect(events.last?["event"] as? String == "summary")
        #expect(events.last?["exit_code"] as? Int == 0)
        let started = events.filter { $0["event"] as? String == "step_started" }.compactMap { $0["step"] as? Int }
        let finished = events.filter { $0["event"] as? String == "step_finished" }.compactMap { $0["step"] as? Int }
        #expect(started == [1, 2, 3, 4, 5])
        #expect(finished == [1, 2, 3, 4, 5])
        let outcomes = events.filter { $0["event"] as? String == "step_finished" }.compactMap { $0["outcome"] as? String }
        #expect(outcomes == ["done", "done", "done", "done", "done"])
        #expect(!output.all.contains(database.password))
    }

    @Test func anInvalidPlanExitsTwoWithItsLocationBeforeConnecting() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("bad.plan.yaml", "plan: 1\nname: bad\nsteps:\n  - migrat: {}\n")
        let output = try PlanProcess.run(
            ["run", "bad.plan.yaml", "--database-url", "postgresql://nobody:secret-pw@127.0.0.1:1/none"], directory: directory.path)
        #expect(output.status == 2)
        #expect(output.stderr.contains("bad.plan.yaml:4:5: error: unknown step 'migrat'"), "\(output.all)")
        #expect(output.stderr.contains("did you mean 'migrate'?"))
        #expect(!output.all.contains("secret-pw"))
    }

    @Test func anInvalidPlanExitsTwoEveryTimeWhileOpenSSLIsStillStarting() throws {
        // An invalid plan exits within milliseconds, while the thread that loads libpq may still
        // be inside OpenSSL; exit's handlers once ran OpenSSL's cleanup under it (SIGSEGV, exit
        // 139, in about one run in eight of the debug build).
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("bad.plan.yaml", "plan: 1\nname: bad\nsteps:\n  - migrat: {}\n")
        var statuses: [Int32: Int] = [:]
        for _ in 0..<60 {
            let output = try PlanProcess.run(
                ["run", "bad.plan.yaml", "--database-url", "postgresql://nobody@127.0.0.1:1/none"], directory: directory.path)
            statuses[output.status, default: 0] += 1
        }
        #expect(statuses == [2: 60])
    }

    @Test func anUnreachableDatabaseExitsThreeWithoutThePassword() throws {
        let project = try MigrationsFixture([("1_a", "CREATE TABLE a (id int);")])
        defer { project.remove() }
        try project.directory.write("release.plan.yaml", "plan: 1\nname: r\nsteps:\n  - migrate: {}\n")
        let output = try PlanProcess.run(
            ["run", "release.plan.yaml", "--database-url", "postgresql://nobody:secret-pw@127.0.0.1:1/none"], directory: project.root)
        #expect(output.status == 3, "\(output.all)")
        #expect(output.stderr.contains("could not connect to nobody@127.0.0.1:1/none"), "\(output.all)")
        #expect(!output.all.contains("secret-pw"))
    }

    /// SIGTERM during an index build: the build is cancelled, its INVALID leftover dropped, the
    /// lock released, and the exit code is 143.
    @Test func sigtermDuringAnIndexBuildCleansUpAndExits143() throws {
        let database = try TestDatabase.fresh(extensions: ["vector"])
        defer { database.drop() }
        try database.createVectorTable("items", rows: 60000, dimensions: 64)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(
            "index.plan.yaml",
            """
            plan: 1
            name: slow-index
            steps:
              - index-concurrently:
                  name: items_embedding
                  table: items
                  using: hnsw
                  columns: [ { column: embedding, opclass: vector_l2_ops } ]
                  with: { m: 32, ef_construction: 400 }
                  parallel_workers: 0
            """)
        let process = try PlanProcess.start(
            ["run", "index.plan.yaml", "--database-url", database.url, "--format", "json"], directory: directory.path,
            outputPrefix: directory.path + "/run")
        let monitor = try database.connect()
        try waitUntil {
            try monitor.execute("SELECT count(*) FROM pg_stat_progress_create_index WHERE datname = current_database()").scalar == "1"
        }
        Thread.sleep(forTimeInterval: 1.2)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 143)
        let events = try String(contentsOfFile: directory.path + "/run.out", encoding: .utf8)
        #expect(events.contains("\"event\":\"progress\""), "progress events in JSON mode: \(events)")
        #expect(try monitor.execute("SELECT count(*) FROM pg_class WHERE relname = 'items_embedding'").scalar == "0")
        #expect(try monitor.migrationLockHolders() == "0")
    }

    static func withoutTimes(_ text: String) -> String {
        text.replacingOccurrences(of: #"\d+(\.\d+)? (ms|s)\b"#, with: "N ms", options: .regularExpression)
    }
}

@Suite("plan run: per-step timeout and retry")
struct StepTimeoutTests {
    @Test func aStepThatRunsPastItsTimeoutIsCancelledAndRolledBack() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(
            "slow.plan.yaml",
            """
            plan: 1
            name: slow
            steps:
              - name: slow backfill
                timeout: 1s
                sql:
                  sql: |
                    CREATE TABLE backfill (id int);
                    SELECT pg_sleep(30);
              - name: never reached
                sql:
                  sql: CREATE TABLE after (id int);
            """)
        let started = Date()
        let output = try PlanProcess.run(["run", "slow.plan.yaml", "--database-url", database.url], directory: directory.path)
        #expect(output.status == 1)
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(output.stderr.contains("ran longer than its timeout of 1.0 seconds and was cancelled"), "\(output.all)")
        #expect(!output.stdout.contains("[2]"), "the run stops at the failed step")
        let connection = try database.connect()
        #expect(try connection.execute("SELECT to_regclass('backfill') IS NULL AND to_regclass('after') IS NULL").scalar == "t")
    }

    @Test func aLockTimeoutIsRetriedWhenTheStepAsks() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let holder = try database.connect()
        try holder.execute("CREATE TABLE busy (id int)")
        try holder.execute("BEGIN; LOCK TABLE busy IN ACCESS EXCLUSIVE MODE")
        // Only the timer touches the holder from here on.
        nonisolated(unsafe) let release = holder
        DispatchQueue.global().asyncAfter(deadline: .now() + 1.5) { _ = try? release.execute("COMMIT") }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(
            "retry.plan.yaml",
            """
            plan: 1
            name: retry
            settings:
              lock_timeout: 300ms
              lock_retry: { budget: 0 }   # one attempt per step try: the step's retry does the retrying
            steps:
              - name: add column
                retry: { attempts: 10, backoff: 200ms }
                sql:
                  sql: ALTER TABLE busy ADD COLUMN note text;
            """)
        let output = try PlanProcess.run(["run", "retry.plan.yaml", "--database-url", database.url], directory: directory.path)
        #expect(output.status == 0, "\(output.all)")
        #expect(output.stdout.contains("retrying in"), "\(output.all)")
        #expect(
            try database.connect().execute(
                "SELECT count(*) FROM information_schema.columns WHERE table_name = 'busy' AND column_name = 'note'"
            ).scalar == "1")
    }
}

@Suite("plan run: retry after a lost connection")
struct LostConnectionRetryTests {
    @Test func aStepRetriedAfterItsSessionWasTerminatedReconnectsAndSucceeds() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(
            "retry.plan.yaml",
            """
            plan: 1
            name: reconnect
            steps:
              - name: slow step
                retry: { attempts: 3, backoff: 100ms }
                sql:
                  sql: |
                    CREATE TABLE IF NOT EXISTS attempts (at timestamptz);
                    INSERT INTO attempts VALUES (now());
                    SELECT pg_sleep(CASE WHEN nextval('attempt_number') = 1 THEN 30 ELSE 0 END);
            """)
        // A sequence is not transactional: it counts attempts across the rolled-back one.
        let monitor = try database.connect()
        try monitor.execute("CREATE SEQUENCE attempt_number")
        let started = Date()
        let process = try PlanProcess.start(
            ["run", "retry.plan.yaml", "--database-url", database.url], directory: directory.path, outputPrefix: directory.path + "/run")
        try waitUntil {
            try monitor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(CASE%' AND pid <> pg_backend_pid()"
            ).scalar == "1"
        }
        try monitor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(CASE%' AND pid <> pg_backend_pid()"
        )
        process.waitUntilExit()
        let output = try String(contentsOfFile: directory.path + "/run.out", encoding: .utf8)
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains("retrying in"))
        #expect(Date().timeIntervalSince(started) < 20, "the retry did not sleep")
        // The first attempt's transaction died with its session; the retry committed once.
        #expect(try monitor.execute("SELECT count(*) FROM attempts").scalar == "1")
    }
}

/// SPEC §4: the dry-run exits 1 when something certainly would fail, so CI can gate on it.
@Suite("plan run --dry-run as a CI gate")
struct DryRunGateTests {
    /// #21: a gate that cannot connect must not pass. It printed "ok: 4 would run" and exited 0.
    @Test func aDryRunThatCannotReachItsDatabaseExitsThreeUnlessOffline() throws {
        let summaryFile = NSTemporaryDirectory() + "plan-gate-\(UUID().uuidString).md"
        let password = "pw-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: summaryFile) }
        let refused = try PlanProcess.run(
            [
                "run", "release.plan.yaml", "--dry-run", "--summary", summaryFile, "--database-url",
                "postgresql://app:\(password)@127.0.0.1:1/app",
            ],
            directory: RunCommandTests.memoryService)
        #expect(refused.status == 3, "\(refused.all)")
        #expect(refused.stderr.contains("could not connect to app@127.0.0.1:1/app"), "\(refused.all)")
        #expect(refused.stderr.contains("a dry-run that cannot reach its database checks nothing"), "\(refused.all)")
        #expect(!refused.stdout.contains("[1]"), "no step was previewed: \(refused.all)")
        let markdown = try String(contentsOfFile: summaryFile, encoding: .utf8)
        #expect(!markdown.contains("**OK**"), "\(markdown)")
        #expect(!refused.all.contains(password) && !markdown.contains(password))

        let offline = try PlanProcess.run(["run", "release.plan.yaml", "--dry-run", "--offline"], directory: RunCommandTests.memoryService)
        #expect(offline.status == 0, "\(offline.all)")
        #expect(offline.stdout.contains("target: no database (--offline)"), "\(offline.all)")
        #expect(offline.stdout.contains("offline (--offline): no database is read"), "\(offline.all)")

        let notDry = try PlanProcess.run(["run", "release.plan.yaml", "--offline"], directory: RunCommandTests.memoryService)
        #expect(notDry.status == 2, "\(notDry.all)")
    }

    @Test func anUnresolvedFailedMigrationFailsTheDryRunAndDriftWarns() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([("1_a", "CREATE TABLE a (id int);"), ("2_bad", "CREATE TABLE b (id nosuchtype);")])
        defer { project.remove() }
        try project.directory.write("release.plan.yaml", "plan: 1\nname: gate\nsteps:\n  - migrate: {}\n")
        #expect(try PlanProcess.run(["run", "release.plan.yaml", "--database-url", database.url], directory: project.root).status == 1)

        let failed = try PlanProcess.run(
            ["run", "release.plan.yaml", "--dry-run", "--database-url", database.url], directory: project.root)
        #expect(failed.status == 1, "\(failed.all)")
        #expect(failed.stderr.contains("migration 2_bad failed earlier"))
        #expect(failed.stdout.contains("would fail"))

        try project.add("2_bad", "CREATE TABLE b (id int);")
        #expect(
            try PlanProcess.run(["resolve", "--rolled-back", "2_bad", "--database-url", database.url], directory: project.root).status == 0)
        try project.add("1_a", "CREATE TABLE a (id bigint);")
        let drifted = try PlanProcess.run(
            ["run", "release.plan.yaml", "--dry-run", "--database-url", database.url], directory: project.root)
        #expect(drifted.status == 0, "drift warns, as in Prisma's deploy: \(drifted.all)")
        #expect(drifted.all.contains("migration 1_a was changed after it was applied"), "\(drifted.all)")
        try project.directory.write("strict.plan.yaml", "plan: 1\nname: gate\nsteps:\n  - migrate: { on_drift: fail }\n")
        let strict = try PlanProcess.run(["run", "strict.plan.yaml", "--dry-run", "--database-url", database.url], directory: project.root)
        #expect(strict.status == 1, "\(strict.all)")
        #expect(strict.stderr.contains("migration 1_a was changed after it was applied"), "\(strict.all)")

        try project.add("1_a", "CREATE TABLE a (id int);")
        let clean = try PlanProcess.run(["run", "release.plan.yaml", "--dry-run", "--database-url", database.url], directory: project.root)
        #expect(clean.status == 0, "pending work alone is not a failure: \(clean.all)")
        #expect(clean.stdout.contains("would apply 2_bad in one transaction"), "\(clean.all)")
    }
}
