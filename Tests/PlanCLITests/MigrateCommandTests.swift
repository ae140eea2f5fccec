import Foundation
import Runner
import TestSupport
import Testing

/// `plan migrate`, end to end: the built binary against a fresh database.
@Suite("plan migrate")
struct MigrateCommandTests {
    @Test func createsPrismasHistoryTableExactly() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([("20240101000000_init", "CREATE TABLE t (id int);\n")])
        defer { project.remove() }

        let output = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(output.status == 0, "\(output.all)")

        let columns = try database.connect().execute(
            """
            SELECT column_name || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' ||
                   CASE WHEN a.attnotnull THEN 'NOT NULL' ELSE 'NULL' END || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '-')
            FROM information_schema.columns c
            JOIN pg_attribute a ON a.attrelid = '_prisma_migrations'::regclass AND a.attname = c.column_name
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE c.table_name = '_prisma_migrations' ORDER BY c.ordinal_position
            """
        ).rows.map { $0[0] ?? "" }
        #expect(
            columns == [
                "id character varying(36) NOT NULL -",
                "checksum character varying(64) NOT NULL -",
                "finished_at timestamp with time zone NULL -",
                "migration_name character varying(255) NOT NULL -",
                "logs text NULL -",
                "rolled_back_at timestamp with time zone NULL -",
                "started_at timestamp with time zone NOT NULL now()",
                "applied_steps_count integer NOT NULL 0",
            ])
        let primaryKey = try database.connect().execute(
            "SELECT string_agg(a.attname, ',') FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = '_prisma_migrations'::regclass AND i.indisprimary"
        )
        #expect(primaryKey.scalar == "id")
    }

    @Test func writesRowsAsPrismaDoes() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let sql = "CREATE TABLE \"User\" (id serial PRIMARY KEY);\r\nINSERT INTO \"User\" DEFAULT VALUES;\r\n"
        let project = try MigrationsFixture([("20240101000000_init", sql), ("20240102000000 with space", "SELECT 1;")])
        defer { project.remove() }

        let output = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(output.status == 0, "\(output.all)")
        let rows = try database.connect().execute(
            """
            SELECT migration_name, id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$', checksum,
                   finished_at >= started_at, logs IS NULL, rolled_back_at IS NULL, applied_steps_count
            FROM _prisma_migrations ORDER BY started_at
            """
        ).rows
        #expect(
            rows == [
                ["20240101000000_init", "t", sha256sum(sql), "t", "t", "t", "1"],
                ["20240102000000 with space", "t", sha256sum("SELECT 1;"), "t", "t", "t", "1"],
            ])
    }

    @Test func aFailingStatementLeavesNoTraceButAFailedRow() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let statements = [
            "CREATE TABLE a (id int)", "CREATE TABLE b (id int)", "INSERT INTO a VALUES (1)", "CREATE INDEX a_id ON a (id)",
            "INSERT INTO nosuchtable VALUES (1)", "CREATE TABLE c (id int)", "CREATE TABLE d (id int)", "CREATE TABLE e (id int)",
        ]
        let project = try MigrationsFixture([("20240101000000_eight", statements.joined(separator: ";\n") + ";\n")])
        defer { project.remove() }

        let output = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(output.status == 1)
        #expect(output.stderr.contains("prisma/migrations/20240101000000_eight/migration.sql:5:13"), "\(output.all)")
        #expect(output.stderr.contains("relation \"nosuchtable\" does not exist"))
        #expect(output.stderr.contains("Nothing of it was applied"))

        let connection = try database.connect()
        let tables = try connection.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('a','b','c','d','e')")
        #expect(tables.scalar == "0")
        let row = try connection.execute("SELECT finished_at IS NULL, rolled_back_at IS NULL, logs FROM _prisma_migrations").rows
        #expect(row.count == 1)
        #expect(row.first?[0] == "t")
        #expect(row.first?[1] == "t")
        #expect((row.first?[2] ?? nil)?.contains("Database error code: 42P01") == true)

        // Prisma's P3009: nothing further is applied until it is resolved.
        try project.add("20240102000000_next", "CREATE TABLE next (id int);")
        let blocked = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(blocked.status == 1)
        #expect(blocked.stderr.contains("migration 20240101000000_eight failed earlier"))
        #expect(blocked.stderr.contains("resolve: { rolled_back: 20240101000000_eight }"))

        // Fix, resolve, re-run: both apply.
        try project.add("20240101000000_eight", statements.filter { !$0.contains("nosuchtable") }.joined(separator: ";\n") + ";\n")
        let resolved = try PlanProcess.run(
            ["resolve", "--rolled-back", "20240101000000_eight", "--database-url", database.url], directory: project.root)
        #expect(resolved.status == 0, "\(resolved.all)")
        #expect(resolved.stdout.contains("Migration 20240101000000_eight marked as rolled back."))
        let again = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(again.status == 0, "\(again.all)")
        #expect(try connection.execute("SELECT count(*) FROM pg_tables WHERE tablename IN ('a','b','c','d','e','next')").scalar == "6")
    }

    @Test func concurrentIndexBetweenTransactionalStatementsRunsInThreeUnits() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([
            (
                "20240101000000_mixed",
                """
                CREATE TABLE items (id int, name text);
                INSERT INTO items VALUES (1, 'one');
                CREATE INDEX CONCURRENTLY IF NOT EXISTS items_name ON items (name);
                INSERT INTO items VALUES (2, 'two');
                INSERT INTO items VALUES ('not a number', 'three');
                """
            )
        ])
        defer { project.remove() }

        let output = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(output.status == 1)
        #expect(output.stderr.contains("failed in unit 3 of 3"), "\(output.all)")
        #expect(output.stderr.contains("Units 1–2 of 3 committed"))
        #expect(output.stderr.contains("migration.sql:5:27"))
        let connection = try database.connect()
        #expect(try connection.execute("SELECT string_agg(name, ',' ORDER BY id) FROM items").scalar == "one")
        #expect(try connection.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 'items_name'::regclass").scalar == "t")
        let row = try connection.execute("SELECT applied_steps_count, finished_at IS NULL FROM _prisma_migrations").rows
        #expect(row == [["2", "t"]])

        let status = try PlanProcess.run(["status", "--database-url", database.url], directory: project.root)
        #expect(status.status == 1)
        #expect(status.stderr.contains("2 step(s) committed"))

        // Fix the last statement and resume from unit 3.
        try project.add(
            "20240101000000_mixed",
            """
            CREATE TABLE items (id int, name text);
            INSERT INTO items VALUES (1, 'one');
            CREATE INDEX CONCURRENTLY IF NOT EXISTS items_name ON items (name);
            INSERT INTO items VALUES (2, 'two');
            INSERT INTO items VALUES (3, 'three');
            """)
        let resumed = try PlanProcess.run(
            ["migrate", "--resume", "--allow-drift", "--database-url", database.url], directory: project.root)
        #expect(resumed.status == 1, "a changed file must not be resumed: \(resumed.all)")
        #expect(resumed.stderr.contains("cannot resume"))
    }

    @Test func resumeContinuesFromTheFirstUnitThatDidNotCommit() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([
            (
                "20240101000000_mixed",
                """
                CREATE TABLE items (id int PRIMARY KEY, name text);
                CREATE INDEX CONCURRENTLY IF NOT EXISTS items_name ON items (name);
                INSERT INTO items SELECT 1, 'one' WHERE (SELECT count(*) FROM pg_tables WHERE tablename = 'gate') = 1;
                INSERT INTO items SELECT 2, 'two' FROM gate;
                """
            )
        ])
        defer { project.remove() }
        let first = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(first.status == 1)
        #expect(first.stderr.contains("relation \"gate\" does not exist"), "\(first.all)")

        let connection = try database.connect()
        try connection.execute("CREATE TABLE gate (x int); INSERT INTO gate VALUES (1)")
        let stopped = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains("2 of its 3 unit(s) committed"), "\(stopped.all)")
        #expect(stopped.stderr.contains("add `on_failed: resume`"))

        let resumed = try PlanProcess.run(["migrate", "--resume", "--database-url", database.url], directory: project.root)
        #expect(resumed.status == 0, "\(resumed.all)")
        #expect(try connection.execute("SELECT string_agg(name, ',' ORDER BY id) FROM items").scalar == "one,two")
        #expect(try connection.execute("SELECT applied_steps_count, finished_at IS NOT NULL FROM _prisma_migrations").rows == [["3", "t"]])
    }

    @Test func theFilesOwnTransactionBlockRunsAsWritten() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([
            (
                "20240101000000_block",
                """
                BEGIN;
                SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
                CREATE TABLE a (id int);
                COMMIT;
                CREATE TABLE b (id int);
                """
            )
        ])
        defer { project.remove() }
        let output = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(output.status == 0, "\(output.all)")
        #expect(!output.all.contains("WARNING"))
        #expect(try database.connect().execute("SELECT count(*) FROM pg_tables WHERE tablename IN ('a','b')").scalar == "2")
    }

    @Test func driftWarnsAndGoesOnUnlessTheStepFailsOnIt() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([("20240101000000_init", "CREATE TABLE t (id int);\n")])
        defer { project.remove() }
        #expect(try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root).status == 0)

        // Line endings alone are not drift (Prisma compares CRLF and LF variants).
        try project.add("20240101000000_init", "CREATE TABLE t (id int);\r\n")
        try project.add("20240102000000_next", "CREATE TABLE u (id int);\n")
        let endings = try PlanProcess.run(
            ["migrate", "--database-url", database.url, "--to", "20240102000000_next"], directory: project.root)
        #expect(endings.status == 0, "\(endings.all)")

        try project.add("20240101000000_init", "CREATE TABLE t (id bigint);\n")
        try project.add("20240103000000_last", "CREATE TABLE v (id int);\n")
        let refused = try PlanProcess.run(["migrate", "--fail-on-drift", "--database-url", database.url], directory: project.root)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("migration 20240101000000_init was changed after it was applied"), "\(refused.all)")
        #expect(try database.connect().execute("SELECT to_regclass('v') IS NULL").scalar == "t", "nothing applied")
        // As `prisma migrate deploy`: drift is said loudly, and the deploy goes on.
        let drift = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(drift.status == 0, "\(drift.all)")
        #expect(drift.all.contains("migration 20240101000000_init was changed after it was applied"), "\(drift.all)")
        #expect(try database.connect().execute("SELECT to_regclass('v') IS NOT NULL").scalar == "t")
        let status = try PlanProcess.run(["status", "--database-url", database.url], directory: project.root)
        #expect(status.status == 0, "\(status.all)")
        #expect(status.all.contains("modified after they were applied"))
    }

    @Test func refusesANonEmptyDatabaseWithoutHistoryAndBaselines() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        try database.connect().execute("CREATE TABLE legacy (id int)")
        let project = try MigrationsFixture([
            ("0_init", "CREATE TABLE legacy (id int);"), ("20240102000000_next", "CREATE TABLE t (id int);"),
        ])
        defer { project.remove() }
        let refused = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("not empty (legacy)"), "\(refused.all)")
        #expect(refused.stderr.contains("P3005"))

        let baselined = try PlanProcess.run(["resolve", "--applied", "0_init", "--database-url", database.url], directory: project.root)
        #expect(baselined.status == 0, "\(baselined.all)")
        let applied = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(applied.status == 0, "\(applied.all)")
        let rows = try database.connect().execute(
            "SELECT migration_name, logs, applied_steps_count, started_at = finished_at FROM _prisma_migrations ORDER BY started_at"
        ).rows
        #expect(rows == [["0_init", "", "0", "t"], ["20240102000000_next", nil, "1", "f"]])
    }

    @Test func toStopsAfterTheNamedMigrationAndRejectsUnknownNames() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([
            ("1_a", "CREATE TABLE a (id int);"), ("2_b", "CREATE TABLE b (id int);"), ("3_c", "CREATE TABLE c (id int);"),
        ])
        defer { project.remove() }
        let typo = try PlanProcess.run(["migrate", "--to", "2_bb", "--database-url", database.url], directory: project.root)
        #expect(typo.status == 1)
        #expect(typo.stderr.contains("migration 2_bb is not in prisma/migrations"), "\(typo.all)")
        let partial = try PlanProcess.run(["migrate", "--to", "2_b", "--database-url", database.url], directory: project.root)
        #expect(partial.status == 0, "\(partial.all)")
        #expect(
            try database.connect().execute("SELECT string_agg(migration_name, ',' ORDER BY migration_name) FROM _prisma_migrations").scalar
                == "1_a,2_b")
        let status = try PlanProcess.run(["status", "--database-url", database.url], directory: project.root)
        #expect(status.status == 1)
        #expect(status.stderr.contains("Following migration(s) have not yet been applied:\n      3_c\n"), "\(status.all)")
    }

    @Test func transactionAllCommitsAfterAMigrationThatAddsAnEnumValue() throws {
        // Prisma histories add a value in one migration and use it in the next; in one
        // transaction PostgreSQL refuses the use ("unsafe use of new value", 55P04).
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([
            ("1_enum", "CREATE TYPE \"Status\" AS ENUM ('OPEN');\nCREATE TABLE t (s \"Status\");"),
            ("2_add", "ALTER TYPE \"Status\" ADD VALUE 'DONE';"),
            ("3_use", "INSERT INTO t VALUES ('DONE');"),
            ("4_more", "CREATE TABLE u (id int);"),
        ])
        defer { project.remove() }
        let applied = try PlanProcess.run(["migrate", "--transaction", "all", "--database-url", database.url], directory: project.root)
        #expect(applied.status == 0, "\(applied.all)")
        let connection = try database.connect()
        #expect(try connection.execute("SELECT s FROM t").scalar == "DONE")
        #expect(try connection.execute("SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL").scalar == "4")
    }

    @Test func aFailureInTheMiddleOfTransactionAllSaysWhatRolledBackAndWhatNeverRan() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([
            ("1_a", "CREATE TABLE a (id int);"), ("2_b", "CREATE TABLE b (id int) oops;"), ("3_c", "CREATE TABLE c (id int);"),
        ])
        defer { project.remove() }
        let failed = try PlanProcess.run(["migrate", "--transaction", "all", "--database-url", database.url], directory: project.root)
        #expect(failed.status == 1)
        #expect(
            failed.stderr.contains(
                "The 1 migration(s) before it in this transaction were rolled back too. The 1 after it did not run."),
            "\(failed.all)")
    }

    /// A dry-run shows the SQL a step would write line by line, also from a file with CRLFs.
    @Test func aPreviewOfWindowsLineEndedSQLShowsItsLines() throws {
        let project = try MigrationsFixture([])
        defer { project.remove() }
        try project.directory.write("seed.sql", "CREATE TABLE a (id int);\r\nCREATE TABLE b (id int);\r\n")
        try project.directory.write(
            "gen.plan.yaml",
            "plan: 1\nname: gen\nsettings:\n  migrations: prisma/migrations\nsteps:\n  - generate: { name: seed, file: seed.sql }\n")
        let preview = try PlanProcess.run(["run", "gen.plan.yaml", "--dry-run"], directory: project.root)
        #expect(preview.status == 0, "\(preview.all)")
        #expect(preview.stdout.contains("      CREATE TABLE a (id int);\n      CREATE TABLE b (id int);\n"), "\(preview.all)")
        #expect(!preview.stdout.contains("\r"))
    }

    @Test func transactionAllAppliesEverythingOrNothing() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([
            ("1_a", "CREATE TABLE a (id int);"), ("2_b", "CREATE TABLE b (id int);"), ("3_c", "CREATE TABLE c (id int) oops;"),
        ])
        defer { project.remove() }
        let failed = try PlanProcess.run(["migrate", "--transaction", "all", "--database-url", database.url], directory: project.root)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("migration 3_c failed"), "\(failed.all)")
        #expect(failed.stderr.contains("The 2 migration(s) before it in this transaction were rolled back too."), "\(failed.all)")
        #expect(!failed.stderr.contains("after it did not run"), "\(failed.all)")
        let connection = try database.connect()
        #expect(try connection.execute("SELECT count(*) FROM pg_tables WHERE tablename IN ('a','b','c')").scalar == "0")
        #expect(try connection.execute("SELECT string_agg(migration_name, ',') FROM _prisma_migrations").scalar == "3_c")

        try project.add("3_c", "CREATE TABLE c (id int);")
        #expect(
            try PlanProcess.run(["resolve", "--rolled-back", "3_c", "--database-url", database.url], directory: project.root).status == 0)
        let applied = try PlanProcess.run(["migrate", "--transaction", "all", "--database-url", database.url], directory: project.root)
        #expect(applied.status == 0, "\(applied.all)")
        #expect(try connection.execute("SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL").scalar == "3")
    }
}
