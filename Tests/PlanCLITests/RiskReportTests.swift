import Foundation
import Runner
import TestSupport
import Testing

/// The dry-run's risk report, end to end through the CLI, as issue #21 judges it: on a database
/// with a few hundred thousand rows, a pending type change is a rewrite under ACCESS EXCLUSIVE
/// with the row count and size, a foreign key without NOT VALID scans both tables, an idle
/// transaction holding a lock is named as a blocker; against empty tables the same migrations
/// are low risk.
@Suite("plan's risk report")
struct RiskReportTests {
    static let rows = 200_000

    static let initial = """
        CREATE TABLE "User" (id int PRIMARY KEY, email varchar(64), name text);
        CREATE TABLE "Post" (id int PRIMARY KEY, "authorId" int, title text);
        """

    static let pending = """
        -- AlterTable
        ALTER TABLE "User" ALTER COLUMN "name" SET DATA TYPE VARCHAR(200);

        -- AlterTable
        ALTER TABLE "User" ALTER COLUMN "email" SET DATA TYPE TEXT;

        -- AddForeignKey
        ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

        """

    static let plan = """
        plan: 1
        name: release
        steps:
          - migrate:
              acknowledge: [adding-foreign-key-constraint]

        """

    /// A project whose first migration is applied, with `rows` rows loaded, and one pending.
    static func project(_ database: TestDatabase, rows: Int) throws -> MigrationsFixture {
        let project = try MigrationsFixture([("20240101000000_init", initial)])
        let applied = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(applied.status == 0, "\(applied.all)")
        try project.add("20240201000000_types_and_keys", pending)
        try project.directory.write("release.plan.yaml", plan)
        if rows > 0 {
            try database.connect().execute(
                """
                INSERT INTO "User" SELECT g, 'user' || g || '@example.com', 'name ' || g FROM generate_series(1, \(rows)) g;
                INSERT INTO "Post" SELECT g, g, 'title ' || g FROM generate_series(1, \(rows)) g;
                ANALYZE "User", "Post";
                """)
        }
        return project
    }

    static func findings(_ output: PlanProcess.Output) throws -> [[String: Any]] {
        try output.stdout.split(separator: "\n").compactMap { line in
            let event = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return event?["event"] as? String == "finding" ? event : nil
        }
    }

    @Test func aLargeTableIsRewrittenScannedAndBlockedByAnIdleTransaction() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try Self.project(database, rows: Self.rows)
        defer { project.remove() }

        // A session that read the table and was left idle in its transaction.
        let idle = try database.connect()
        try idle.execute("SET application_name = 'report-worker'")
        try idle.execute("BEGIN")
        try idle.execute(#"SELECT count(*) FROM "User" WHERE id = 1"#)
        let idlePID = try #require(try idle.execute("SELECT pg_backend_pid()").scalar)
        defer { _ = try? idle.execute("ROLLBACK") }

        let json = try PlanProcess.run(
            ["migrate", "--dry-run", "--format", "json", "--database-url", database.url], directory: project.root)
        #expect(json.status == 0, "\(json.all)")
        let findings = try Self.findings(json)
        let byCode = Dictionary(grouping: findings) { $0["code"] as? String ?? "" }

        let rewrite = try #require(byCode["changing-column-type"]?.first { ($0["message"] as? String ?? "").contains("rewrites") })
        #expect(rewrite["severity"] as? String == "high")
        #expect(rewrite["lock"] as? String == "ACCESS EXCLUSIVE on User")
        #expect(rewrite["location"] as? String == "prisma/migrations/20240201000000_types_and_keys/migration.sql:2:1")
        let size = try #require((rewrite["sizes"] as? [[String: Any]])?.first)
        #expect(size["relation"] as? String == #""User""#)
        let rows = try #require(size["rows"] as? Int)
        #expect(abs(rows - Self.rows) < Self.rows / 20, "reltuples \(rows)")
        #expect((size["table_bytes"] as? Int ?? 0) > 8 << 20)

        // varchar(64) → text is binary-coercible: no rewrite, said so.
        let widening = try #require(
            byCode["changing-column-type"]?.first { ($0["message"] as? String ?? "").contains("binary-coercible, so no rewrite") })
        #expect(widening["severity"] as? String == "low")

        let foreignKey = try #require(byCode["adding-foreign-key-constraint"]?.first)
        #expect((foreignKey["message"] as? String ?? "").contains("scans Post and looks up every row in User"))
        #expect((foreignKey["sizes"] as? [[String: Any]])?.compactMap { $0["relation"] as? String } == [#""Post""#, #""User""#])
        #expect(foreignKey["lock"] as? String == "SHARE ROW EXCLUSIVE on Post; SHARE ROW EXCLUSIVE on User")
        #expect(foreignKey["severity"] as? String == "high")

        let blocked = try #require(byCode["blocked-by-session"]?.first)
        #expect((blocked["blocking_pids"] as? [Int])?.map(String.init) == [idlePID])
        let message = blocked["message"] as? String ?? ""
        #expect(message.contains("pid \(idlePID) holds ACCESS SHARE on \"User\": idle in transaction"))
        #expect(message.contains("application_name report-worker"))
        #expect(blocked["severity"] as? String == "high")

        // The same through `plan run`, in text: the step's acknowledge: covers the foreign key;
        // the rewrite is unacknowledged, so --fail-on-risk high fails the preview.
        let text = try PlanProcess.run(
            ["run", "release.plan.yaml", "--dry-run", "--fail-on-risk", "high", "--database-url", database.url],
            directory: project.root)
        #expect(text.status == 1, "\(text.all)")
        #expect(
            text.stdout.contains("risk high: prisma/migrations/20240201000000_types_and_keys/migration.sql:2:1: [changing-column-type]"))
        #expect(text.stdout.contains("Now: \"User\": ~"))
        #expect(
            text.stdout.contains(
                "risk high (acknowledged): prisma/migrations/20240201000000_types_and_keys/migration.sql:8:1: [adding-foreign-key-constraint]"
            ))
        #expect(text.stdout.contains("pid \(idlePID) holds ACCESS SHARE"))
        #expect(text.all.contains("unacknowledged finding(s) at or above high (changing-column-type, blocked-by-session)"))
    }

    @Test func theSameMigrationsAgainstEmptyTablesAreLowRisk() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try Self.project(database, rows: 0)
        defer { project.remove() }

        let output = try PlanProcess.run(
            ["run", "release.plan.yaml", "--dry-run", "--format", "json", "--fail-on-risk", "medium", "--database-url", database.url],
            directory: project.root)
        #expect(output.status == 0, "\(output.all)")
        let findings = try Self.findings(output)
        #expect(
            findings.map { $0["code"] as? String } == ["changing-column-type", "changing-column-type", "adding-foreign-key-constraint"])
        #expect(findings.allSatisfy { $0["severity"] as? String == "low" }, "\(findings)")
    }

    /// The preview with the risk report reads catalogs only: the WAL position does not move.
    /// (WAL is server-wide: scripts/test runs this in its quiet phase.)
    @Test func riskReportWritesNoWAL() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try Self.project(database, rows: 1000)
        defer { project.remove() }
        let connection = try database.connect()
        try connection.execute("CHECKPOINT")
        var unchanged = false
        for _ in 1...5 where !unchanged {
            let before = try connection.execute("SELECT pg_current_wal_lsn()").scalar
            let output = try PlanProcess.run(["migrate", "--dry-run", "--database-url", database.url], directory: project.root)
            #expect(output.status == 0 && output.stdout.contains("[changing-column-type]"), "\(output.all)")
            unchanged = try connection.execute("SELECT pg_current_wal_lsn()").scalar == before
        }
        #expect(unchanged, "pg_current_wal_lsn() moved during every dry-run")
    }

    /// A `plan check` diagnostic: `file:line:col: level: message [code]` on one line.
    static func diagnosed(_ stderr: String, _ start: String, _ code: String) -> Bool {
        stderr.split(separator: "\n").contains { $0.contains(start) && $0.hasSuffix("[\(code)]") }
    }

    @Test func checkLintsOnlyPendingOrChangedMigrations() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try Self.project(database, rows: 0)
        defer { project.remove() }
        // An applied migration with a risky statement: it cannot change any more.
        try project.add("20240101000001_old", #"ALTER TABLE "User" ALTER COLUMN "name" TYPE varchar(10);"#)
        let history = try database.connect()
        try history.execute(
            "INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at, applied_steps_count) VALUES ('x', 'x', '20240101000001_old', now(), 1)"
        )

        let all = try PlanProcess.run(["check", "release.plan.yaml"], directory: project.root)
        #expect(all.status == 0, "\(all.all)")
        #expect(Self.diagnosed(all.stderr, "20240101000001_old/migration.sql:1:1: warning:", "changing-column-type"))
        #expect(all.stderr.contains("linted all 3 migration(s) in prisma/migrations, applied ones included"))

        let pending = try PlanProcess.run(["check", "release.plan.yaml", "--database-url", database.url], directory: project.root)
        #expect(pending.status == 0, "\(pending.all)")
        #expect(!pending.stderr.contains("20240101000001_old"), "\(pending.stderr)")
        #expect(pending.stderr.contains("linted 1 of 3 migration(s) in prisma/migrations: those not yet applied to the database"))
        #expect(Self.diagnosed(pending.stderr, "20240201000000_types_and_keys/migration.sql:2:1: warning:", "changing-column-type"))
        #expect(Self.diagnosed(pending.stderr, "migration.sql:8:1: note:", "adding-foreign-key-constraint"))  // acknowledged on the step

        // --since: a git repository whose last commit has every migration but the newest.
        let git = { (arguments: [String]) throws -> Void in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"] + arguments
            process.currentDirectoryURL = URL(fileURLWithPath: project.root)
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "git \(arguments)")
        }
        try git(["init", "-q"])
        try git(["add", "prisma/migrations/20240101000000_init", "prisma/migrations/20240101000001_old", "release.plan.yaml"])
        try git(["commit", "-q", "-m", "base"])
        let since = try PlanProcess.run(["check", "release.plan.yaml", "--since", "HEAD"], directory: project.root)
        #expect(since.status == 0, "\(since.all)")
        #expect(since.stderr.contains("linted 1 of 3 migration(s) in prisma/migrations: those changed since HEAD"), "\(since.stderr)")
        #expect(!since.stderr.contains("20240101000001_old"))
    }
}
