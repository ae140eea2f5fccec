import Foundation
import Runner
import TestSupport
import Testing

@Suite("plan status")
struct StatusCommandTests {
    /// A history written the way Prisma writes it (its DDL, client-side uuid ids, resolve rows
    /// with logs '' and equal timestamps, a failed attempt later rolled back) is read correctly.
    @Test func readsAHistoryPrismaWrote() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let initSQL = "CREATE TABLE a (id int);\n"
        let secondSQL = "CREATE TABLE b (id int);\n"
        let project = try MigrationsFixture([
            ("20240101000000_init", initSQL), ("20240102000000_second", secondSQL), ("20240103000000_third", "SELECT 1;"),
        ])
        defer { project.remove() }
        let connection = try database.connect()
        try connection.execute(
            """
            CREATE TABLE _prisma_migrations (
                id                      VARCHAR(36) PRIMARY KEY NOT NULL,
                checksum                VARCHAR(64) NOT NULL,
                finished_at             TIMESTAMPTZ,
                migration_name          VARCHAR(255) NOT NULL,
                logs                    TEXT,
                rolled_back_at          TIMESTAMPTZ,
                started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
                applied_steps_count     INTEGER NOT NULL DEFAULT 0
            );
            CREATE TABLE a (id int);
            CREATE TABLE b (id int);
            """)
        let insert =
            "INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count) VALUES ($1, $2, $3::timestamptz, $4, $5, $6::timestamptz, $7::timestamptz, $8::int)"
        try connection.query(
            insert,
            [
                UUID().uuidString.lowercased(), sha256sum(initSQL), "2024-01-01 10:00:01+00", "20240101000000_init", nil, nil,
                "2024-01-01 10:00:00+00", "1",
            ])
        // A failed attempt, rolled back by `prisma migrate resolve --rolled-back`, then applied.
        try connection.query(
            insert,
            [
                UUID().uuidString.lowercased(), sha256sum(secondSQL), nil, "20240102000000_second", "A migration failed to apply.",
                "2024-01-02 10:05:00+00", "2024-01-02 10:00:00+00", "0",
            ])
        try connection.query(
            insert,
            [
                UUID().uuidString.lowercased(), sha256sum(secondSQL), "2024-01-02 10:06:00+00", "20240102000000_second", "", nil,
                "2024-01-02 10:06:00+00", "0",
            ])

        let behind = try PlanProcess.run(["status", "--database-url", database.url], directory: project.root)
        #expect(behind.status == 1)
        #expect(behind.stdout.contains("3 migration(s) found in prisma/migrations"), "\(behind.all)")
        #expect(behind.stderr.contains("have not yet been applied:\n      20240103000000_third\n"))
        #expect(!behind.all.contains("failed ("))
        #expect(!behind.all.contains("modified after"))

        #expect(try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root).status == 0)
        let upToDate = try PlanProcess.run(["status", "--database-url", database.url], directory: project.root)
        #expect(upToDate.status == 0, "\(upToDate.all)")
        #expect(upToDate.stdout.contains("Database schema is up to date!"))
    }

    @Test func reportsFailedEditedAndMissingLocallyMigrations() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([("1_a", "CREATE TABLE a (id int);"), ("2_gone", "CREATE TABLE gone (id int);")])
        defer { project.remove() }
        #expect(try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root).status == 0)
        try FileManager.default.removeItem(atPath: project.migrationsPath + "/2_gone")
        try project.add("1_a", "CREATE TABLE a (id bigint);")
        try project.add("3_bad", "CREATE TABLE bad (id nosuchtype);")
        #expect(try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root).status == 1)

        let status = try PlanProcess.run(["status", "--database-url", database.url], directory: project.root)
        #expect(status.status == 1)
        #expect(status.stderr.contains("Migration 3_bad failed"), "\(status.all)")
        #expect(status.all.contains("modified after they were applied (checksum differs):\n      1_a"), "\(status.all)")
        #expect(status.all.contains("missing from prisma/migrations:\n      2_gone"))

        // Without the failed one, what is left is what Prisma's status does not fail on: reported, exit 0,
        // unless --strict.
        #expect(
            try PlanProcess.run(["resolve", "--rolled-back", "3_bad", "--database-url", database.url], directory: project.root).status == 0)
        try FileManager.default.removeItem(atPath: project.migrationsPath + "/3_bad")
        let lenient = try PlanProcess.run(["status", "--database-url", database.url], directory: project.root)
        #expect(lenient.status == 0, "\(lenient.all)")
        #expect(lenient.all.contains("modified after they were applied (checksum differs):\n      1_a"), "\(lenient.all)")
        #expect(lenient.all.contains("missing from prisma/migrations:\n      2_gone"))
        #expect(lenient.stdout.contains("Database schema is up to date!"))
        let strict = try PlanProcess.run(["status", "--strict", "--database-url", database.url], directory: project.root)
        #expect(strict.status == 1, "\(strict.all)")
        #expect(strict.stderr.contains("modified after they were applied"), "\(strict.all)")
    }

    /// #21: `plan status --format json` gives the migrations by state as data, not prose.
    @Test func jsonGivesEachStateAsAnArray() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([("1_a", "CREATE TABLE a (id int);"), ("2_gone", "CREATE TABLE gone (id int);")])
        defer { project.remove() }
        #expect(try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root).status == 0)
        try FileManager.default.removeItem(atPath: project.migrationsPath + "/2_gone")
        try project.add("1_a", "CREATE TABLE a (id bigint);")
        try project.add("3_bad", "CREATE TABLE bad (id nosuchtype);")
        try project.add("4_next", "CREATE TABLE next (id int);")
        #expect(try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root).status == 1)

        let status = try PlanProcess.run(["status", "--format", "json", "--database-url", database.url], directory: project.root)
        #expect(status.status == 1)
        let line = try #require(
            status.stdout.split(separator: "\n").first { $0.contains("\"event\":\"migration_status\"") }, "\(status.all)")
        let event = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        func names(_ key: String) -> [String] { (event[key] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String } }
        #expect(event["version"] as? Int == 1)
        #expect(event["up_to_date"] as? Bool == false)
        #expect(names("applied") == ["1_a"])
        #expect(names("pending") == ["4_next"])
        #expect(names("failed") == ["3_bad"])
        #expect(names("drifted") == ["1_a"])
        #expect(names("missing") == ["2_gone"])
        let applied = try #require((event["applied"] as? [[String: Any]])?.first)
        #expect((applied["finished_at"] as? String)?.hasPrefix("20") == true, "\(applied)")
        let failed = try #require((event["failed"] as? [[String: Any]])?.first)
        #expect(failed["applied_steps_count"] as? Int == 0)
        #expect(failed["started_at"] is String)
    }

    @Test func aMissingOrEmptyMigrationsFolderIsAnError() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([])
        defer { project.remove() }
        let empty = try PlanProcess.run(["status", "--database-url", database.url], directory: project.root)
        #expect(empty.status == 2, "\(empty.all)")
        #expect(empty.stderr.contains("prisma/migrations has no migrations"), "\(empty.all)")
        #expect(empty.stderr.contains("it was chosen by the default folder"), "\(empty.all)")

        let typo = try PlanProcess.run(["migrate", "--migrations", "migratoins", "--database-url", database.url], directory: project.root)
        #expect(typo.status == 2, "\(typo.all)")
        #expect(typo.stderr.contains("/migratoins does not exist; it was chosen by --migrations"), "\(typo.all)")
        #expect(try database.connect().execute("SELECT to_regclass('_prisma_migrations') IS NULL").scalar == "t", "nothing written")

        let expected = try PlanProcess.run(["migrate", "--allow-empty", "--database-url", database.url], directory: project.root)
        #expect(expected.status == 0, "\(expected.all)")
    }

    @Test func aDatabaseWithoutHistorySuggestsABaseline() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([("0_init", "CREATE TABLE a (id int);")])
        defer { project.remove() }
        let status = try PlanProcess.run(["status", "--database-url", database.url], directory: project.root)
        #expect(status.status == 1)
        #expect(status.stderr.contains("plan resolve --applied 0_init"), "\(status.all)")
    }
}
