import Foundation
import Runner
import TestSupport
import Testing

/// #16: a team swaps `npx prisma migrate deploy` for `plan migrate` and changes nothing else. These
/// projects are small look-alikes of real ones (documenso's packages/prisma with custom variable
/// names and a directUrl, hoppscotch's Prisma 7 prisma.config.ts), in a folder with spaces.
@Suite("plan migrate in a Prisma project, with no flags")
struct PrismaProjectDropInTests {
    static let migrations: [(String, String)] = [
        ("20240101000000_init", "CREATE TABLE \"User\" (id serial PRIMARY KEY, email text NOT NULL);\n"),
        (
            "20240102000000_own_transaction",
            "BEGIN;\nSET TRANSACTION ISOLATION LEVEL SERIALIZABLE;\nALTER TABLE \"User\" ADD COLUMN name text;\nCOMMIT;\n"
        ),
        ("20240103000000_concurrently", "CREATE INDEX CONCURRENTLY \"User_email_idx\" ON \"User\" (email);\n"),
    ]

    /// documenso: run from packages/prisma, where schema.prisma and migrations/ sit side by side.
    func documensoLike() throws -> (TemporaryDirectory, String) {
        let directory = try TemporaryDirectory()
        let package = "my app/packages/prisma"
        try directory.write(
            "\(package)/schema.prisma",
            """
            generator client {
              provider = "prisma-client-js" // { not a block
            }

            /// The app's database.
            datasource db {
              provider  = "postgresql"
              url       = env("NEXT_PRIVATE_DATABASE_URL") // pooled
              directUrl = env("NEXT_PRIVATE_DIRECT_DATABASE_URL")
            }

            model User {
              id    Int    @id @default(autoincrement())
              email String @default("{}")
            }
            """)
        for (name, sql) in Self.migrations { try directory.write("\(package)/migrations/\(name)/migration.sql", sql) }
        return (directory, directory.path + "/" + package)
    }

    @Test func documensoLikeMigratesThroughDirectUrlAndLeavesThePooledDatabaseAlone() throws {
        let direct = try TestDatabase.fresh()
        defer { direct.drop() }
        let pooled = try TestDatabase.fresh()
        defer { pooled.drop() }
        let (directory, package) = try documensoLike()
        defer { directory.remove() }
        let environment = ["NEXT_PRIVATE_DATABASE_URL": pooled.url, "NEXT_PRIVATE_DIRECT_DATABASE_URL": direct.url]

        let migrate = try PlanProcess.run(["migrate"], environment: environment, directory: package)
        #expect(migrate.status == 0, "\(migrate.all)")
        #expect(
            migrate.stdout.contains(
                "target: postgres@127.0.0.1:\(Self.port(direct.url))/\(direct.name), from NEXT_PRIVATE_DIRECT_DATABASE_URL, named by `directUrl` at schema.prisma:9:15"
            ), "\(migrate.all)")
        #expect(!migrate.all.contains(direct.password))
        #expect(try direct.connect().execute("SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL").scalar == "3")
        #expect(
            try pooled.connect().execute("SELECT to_regclass('_prisma_migrations') IS NULL").scalar == "t", "the url database is untouched")

        let status = try PlanProcess.run(["status"], environment: environment, directory: package)
        #expect(status.status == 0, "\(status.all)")
        #expect(status.stdout.contains("3 migration(s) found in migrations"), "\(status.all)")
        #expect(status.stdout.contains("Database schema is up to date!"))

        let json = try PlanProcess.run(["status", "--format", "json"], environment: environment, directory: package)
        let started = try #require(json.stdout.split(separator: "\n").first)
        #expect(
            started.contains(
                "\"target\":{\"host\":\"127.0.0.1\",\"port\":\"\(Self.port(direct.url))\",\"database\":\"\(direct.name)\",\"user\":\"postgres\",\"source\":\"NEXT_PRIVATE_DIRECT_DATABASE_URL, named by `directUrl` at schema.prisma:9:15\"}"
            ), "\(started)")
    }

    @Test func prismaConfigLikeHoppscotchNamesTheSchemaMigrationsAndURL() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(
            "prisma.config.ts",
            """
            import 'dotenv/config';
            import { defineConfig, env } from 'prisma/config';

            export default defineConfig({
              schema: 'db/schema.prisma',
              migrations: {
                path: 'db/history', // not beside the schema
              },
              datasource: {
                url: env('APP_DB_URL'),
              },
            });
            """)
        try directory.write("db/schema.prisma", "datasource db {\n  provider = \"postgresql\"\n}\n")
        for (name, sql) in Self.migrations { try directory.write("db/history/\(name)/migration.sql", sql) }
        // Prisma 7 loads no .env by itself; the config's dotenv import does, from the working directory.
        try directory.write(".env", "APP_DB_URL=\"\(database.url)\"\n")

        let migrate = try PlanProcess.run(["migrate"], directory: directory.path)
        #expect(migrate.status == 0, "\(migrate.all)")
        #expect(migrate.stdout.contains("from APP_DB_URL, named by `datasource.url` at prisma.config.ts:10:10"), "\(migrate.all)")
        #expect(try database.connect().execute("SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL").scalar == "3")
    }

    /// Prisma stops with "Environment variable not found"; plan used to fall back to PG* and
    /// migrate whatever database those named.
    @Test func anUnsetProjectVariableStopsBeforeConnectingEvenWithPGVariablesSet() throws {
        let decoy = try TestDatabase.fresh()
        defer { decoy.drop() }
        let (directory, package) = try documensoLike()
        defer { directory.remove() }
        let server = URLComponents(string: decoy.url)!
        let pg = [
            "PGHOST": server.host!, "PGPORT": String(server.port!), "PGUSER": server.user!, "PGPASSWORD": decoy.password,
            "PGDATABASE": decoy.name,
        ]
        let migrate = try PlanProcess.run(["migrate"], environment: pg, directory: package)
        #expect(migrate.status == 3, "\(migrate.all)")
        #expect(
            migrate.stderr.contains(
                "the Prisma project's `directUrl` at schema.prisma:9:15 reads the environment variable NEXT_PRIVATE_DIRECT_DATABASE_URL, which is not set"
            ), "\(migrate.all)")
        #expect(try decoy.connect().execute("SELECT to_regclass('_prisma_migrations') IS NULL").scalar == "t", "the decoy is untouched")

        // With no project at all, libpq's defaults are used, and the header says so.
        let bare = try MigrationsFixture([("1_a", "CREATE TABLE a (id int);")])
        defer { bare.remove() }
        let defaults = try PlanProcess.run(["migrate"], environment: pg, directory: bare.root)
        #expect(defaults.status == 0, "\(defaults.all)")
        #expect(defaults.stdout.contains("from libpq's defaults (PG* variables, .pgpass): nothing names a URL"), "\(defaults.all)")
    }

    @Test func aSchemaForAnotherProviderIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("prisma/schema.prisma", "datasource db {\n  provider = \"mysql\"\n  url = env(\"DATABASE_URL\")\n}\n")
        let migrate = try PlanProcess.run(
            ["migrate"], environment: ["DATABASE_URL": "postgresql://127.0.0.1:1/x"], directory: directory.path)
        #expect(migrate.status == 2, "\(migrate.all)")
        #expect(migrate.stderr.contains("prisma/schema.prisma:2:14"), "\(migrate.all)")
        #expect(migrate.stderr.contains("mysql"), "\(migrate.all)")
    }

    /// Prisma skips its advisory lock when PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK is set to anything
    /// but "" or "0"; teams set it for poolers and hosts where session locks cannot work.
    @Test func theAdvisoryLockIsSkippedAsPrismaSkipsIt() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([("1_a", "CREATE TABLE a (id int);")])
        defer { project.remove() }
        let holder = try database.connect()
        try holder.execute("SELECT pg_advisory_lock(72707369)")

        let waits = try PlanProcess.run(
            ["migrate", "--lock-wait", "1s", "--database-url", database.url], environment: ["PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK": "0"],
            directory: project.root)
        #expect(waits.status == 3, "\(waits.all)")

        let skips = try PlanProcess.run(
            ["migrate", "--lock-wait", "1s", "--database-url", database.url], environment: ["PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK": "1"],
            directory: project.root)
        #expect(skips.status == 0, "\(skips.all)")
        #expect(skips.stdout.contains("PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK is set: the migration lock is not taken"), "\(skips.all)")
        #expect(try database.connect().execute("SELECT to_regclass('a') IS NOT NULL").scalar == "t")
    }

    /// Files Prisma applies as one message: a bare COMMIT after ALTER TYPE … ADD VALUE, a BEGIN with
    /// no COMMIT, statements before the file's own BEGIN. Each applies, and the output says how.
    @Test func filesWithTheirOwnTransactionControlApplyAsPrismasMessageWould() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([
            (
                "1_enum",
                "CREATE TYPE \"Role\" AS ENUM ('A');\nALTER TYPE \"Role\" ADD VALUE 'B';\nCOMMIT;\nCREATE TABLE t (r \"Role\" DEFAULT 'B');\n"
            ),
            ("2_begin", "BEGIN;\nCREATE TABLE u (id int);\n"),
            ("3_before", "CREATE TABLE v (id int);\nBEGIN;\nCREATE TABLE w (id int);\nCOMMIT;\n"),
        ])
        defer { project.remove() }
        let preview = try PlanProcess.run(["migrate", "--dry-run", "--database-url", database.url], directory: project.root)
        #expect(preview.status == 0, "\(preview.all)")
        #expect(preview.all.contains("1_enum/migration.sql:3:1: this COMMIT has no BEGIN"), "\(preview.all)")

        let migrate = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(migrate.status == 0, "\(migrate.all)")
        #expect(migrate.all.contains("1_enum/migration.sql:3:1: this COMMIT has no BEGIN: the statements before it commit as one unit"))
        #expect(migrate.all.contains("2_begin/migration.sql:1:1: this BEGIN has no COMMIT: its block runs to the end of the file"))
        #expect(migrate.all.contains("3_before/migration.sql:2:1: the 1 statement(s) before this BEGIN join its transaction block"))
        let applied = try database.connect().execute(
            "SELECT string_agg(migration_name || ':' || applied_steps_count, ',' ORDER BY migration_name) FROM _prisma_migrations WHERE finished_at IS NOT NULL"
        ).scalar
        #expect(applied == "1_enum:2,2_begin:1,3_before:1")
        #expect(try database.connect().execute("SELECT count(*) FROM pg_tables WHERE tablename IN ('t', 'u', 'v', 'w')").scalar == "4")
    }

    /// Prisma applies migrations one by one: one it cannot run stops the deploy there, after the
    /// ones before it applied. `--validate-first` asks for all-or-nothing validation instead.
    @Test func aMigrationThatCannotRunStopsThereUnlessValidatedFirst() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([
            ("1_ok", "CREATE TABLE a (id int);\n"), ("2_unreadable", "SELECT 'unterminated;\n"), ("3_ok", "CREATE TABLE c (id int);\n"),
        ])
        defer { project.remove() }
        let validated = try PlanProcess.run(["migrate", "--validate-first", "--database-url", database.url], directory: project.root)
        #expect(validated.status == 1, "\(validated.all)")
        #expect(validated.stderr.contains("2_unreadable/migration.sql:1:8"), "\(validated.all)")
        #expect(try database.connect().execute("SELECT to_regclass('a') IS NULL").scalar == "t", "nothing applied")

        let migrate = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(migrate.status == 1, "\(migrate.all)")
        #expect(migrate.stdout.contains("→ apply 1_ok"), "\(migrate.all)")
        #expect(try database.connect().execute("SELECT to_regclass('a') IS NOT NULL AND to_regclass('c') IS NULL").scalar == "t")
    }

    /// `prisma migrate deploy` creates a missing database (ensureDatabaseExists) when the role may.
    @Test func aMissingDatabaseIsCreatedUnlessTurnedOff() throws {
        let name = "t_missing_\(UUID().uuidString.prefix(8).lowercased())"
        let url = TestDatabase.url(TestDatabase.serverURL, database: name)
        let admin = try PostgresConnection(target: ConnectionTarget(url: TestDatabase.serverURL))
        defer { _ = try? admin.execute("DROP DATABASE IF EXISTS \(PostgresConnection.quoteIdentifier(name)) WITH (FORCE)") }
        let project = try MigrationsFixture([("1_a", "CREATE TABLE a (id int);\n")])
        defer { project.remove() }
        func exists() throws -> Bool {
            try admin.query("SELECT count(*) FROM pg_database WHERE datname = $1", [name]).scalar == "1"
        }

        let refused = try PlanProcess.run(["migrate", "--no-create-database", "--database-url", url], directory: project.root)
        #expect(refused.status == 3, "\(refused.all)")
        #expect(refused.stderr.contains("database \"\(name)\" does not exist"), "\(refused.all)")
        let status = try PlanProcess.run(["status", "--database-url", url], directory: project.root)
        #expect(status.status == 3, "status only reads: \(status.all)")
        #expect(try !exists())
        // The dry-run plans what the run will do: against template1, which the new database copies.
        let preview = try PlanProcess.run(["migrate", "--dry-run", "--database-url", url], directory: project.root)
        #expect(preview.status == 0, "\(preview.all)")
        #expect(preview.stdout.contains("so this dry-run plans against template1"), "\(preview.all)")
        #expect(preview.stdout.contains("would apply 1_a in one transaction"), "\(preview.all)")
        #expect(try !exists())

        let migrate = try PlanProcess.run(["migrate", "--database-url", url], directory: project.root)
        #expect(migrate.status == 0, "\(migrate.all)")
        #expect(migrate.stdout.contains("created database \(name), which did not exist"), "\(migrate.all)")
        #expect(migrate.stdout.contains("→ apply 1_a in one transaction"), "\(migrate.all)")
        #expect(try exists())
    }

    static func port(_ url: String) -> Int { URLComponents(string: url)?.port ?? 0 }
}
