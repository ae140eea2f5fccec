import Testing

@testable import PrismaProject

/// `PrismaProject.discover` over generated look-alikes of real project shapes.
@Suite struct DiscoveryTests {
    private static let postgres = "datasource db {\n  provider = \"postgresql\"\n}\n"

    private func discover(
        _ files: [String: String], in directory: String, schema: String? = nil, migrations: String? = nil, urlGiven: Bool = false
    ) throws(PrismaProjectError) -> PrismaProject {
        try PrismaProject.discover(
            workingDirectory: directory, schemaFlag: schema, migrationsFlag: migrations, databaseURLGiven: urlGiven,
            fileSystem: MemoryFileSystem(files))
    }

    /// documenso's shape: `schema.prisma` beside package.json in packages/prisma, custom variables,
    /// `directUrl`; package.json has a `prisma` key without `schema`.
    @Test func schemaInTheWorkingDirectoryWithDirectURL() throws {
        let project = try discover(
            [
                "/repo/package.json": #"{ "name": "root", "workspaces": ["packages/*"] }"#,
                "/repo/packages/prisma/package.json": #"{ "name": "@app/prisma", "prisma": { "seed": "tsx ./seed.ts" } }"#,
                "/repo/packages/prisma/schema.prisma": """
                generator client { provider = "prisma-client-js" }
                datasource db {
                  provider  = "postgresql"
                  url       = env("NEXT_PRIVATE_DATABASE_URL")
                  directUrl = env("NEXT_PRIVATE_DIRECT_DATABASE_URL")
                }
                """,
                "/repo/packages/prisma/migrations/0_init/migration.sql": "CREATE TABLE a ();",
            ], in: "/repo/packages/prisma")
        #expect(project.schema == SchemaLocation(path: "/repo/packages/prisma/schema.prisma", kind: .file, origin: .defaultPlace))
        #expect(project.migrations == MigrationsLocation(path: "/repo/packages/prisma/migrations", origin: .besideSchema))
        #expect(project.datasource.urlOrigin == .schema)
        #expect(project.datasource.url?.variable == "NEXT_PRIVATE_DATABASE_URL")
        #expect(project.datasource.migrationURL?.variable == "NEXT_PRIVATE_DIRECT_DATABASE_URL")
        #expect(
            project.datasource.migrationURL?.location == PrismaLocation(file: "/repo/packages/prisma/schema.prisma", line: 5, column: 15))
        #expect(project.configFile == nil)
        #expect(project.environmentFiles == EnvironmentFiles(paths: [], rule: .prismaDefaults))
    }

    /// langfuse's shape: `prisma/schema.prisma` under the package; Prisma ≤ 6 loads the root `.env`
    /// (beside the nearest package.json) and then the first schema-side one.
    @Test func prismaFolderAndPrismaSixEnvironmentFiles() throws {
        let project = try discover(
            [
                "/repo/packages/shared/package.json": #"{ "name": "@app/shared" }"#,
                "/repo/packages/shared/.env": "DATABASE_URL=postgres://a",
                "/repo/packages/shared/prisma/.env": "DIRECT_URL=postgres://b",
                "/repo/packages/shared/prisma/schema.prisma": """
                datasource db {
                  provider          = "postgresql"
                  url               = env("DATABASE_URL")
                  directUrl         = env("DIRECT_URL")
                  shadowDatabaseUrl = env("SHADOW_DATABASE_URL")
                }
                """,
            ], in: "/repo/packages/shared")
        #expect(project.schema.path == "/repo/packages/shared/prisma/schema.prisma")
        #expect(project.migrations.path == "/repo/packages/shared/prisma/migrations")
        #expect(project.datasource.migrationURL?.variable == "DIRECT_URL")
        #expect(project.datasource.shadowDatabaseUrl?.variable == "SHADOW_DATABASE_URL")
        #expect(project.environmentFiles.paths == ["/repo/packages/shared/.env", "/repo/packages/shared/prisma/.env"])
    }

    /// hoppscotch's shape: a Prisma 7 `prisma.config.ts` naming schema, migrations and the URL; the
    /// schema's block has no URL; the config imports dotenv, so only `./.env` is loaded.
    @Test func prismaSevenConfig() throws {
        let config = """
            import 'dotenv/config';
            import { defineConfig, env } from 'prisma/config';

            export default defineConfig({
              schema: 'db/schema.prisma',
              migrations: { path: 'db/history' },
              datasource: { url: env('BACKEND_DATABASE_URL') },
            });
            """
        let project = try discover(
            [
                "/app/prisma.config.ts": config,
                "/app/.env": "BACKEND_DATABASE_URL=postgres://x",
                "/app/prisma/.env": "IGNORED=1",
                "/app/db/schema.prisma": Self.postgres,
            ], in: "/app")
        #expect(project.configFile == "/app/prisma.config.ts")
        #expect(
            project.schema
                == SchemaLocation(
                    path: "/app/db/schema.prisma", kind: .file,
                    origin: .config(PrismaLocation(file: "/app/prisma.config.ts", line: 5, column: 11))))
        #expect(
            project.migrations
                == MigrationsLocation(
                    path: "/app/db/history", origin: .config(PrismaLocation(file: "/app/prisma.config.ts", line: 6, column: 23))))
        #expect(project.datasource.urlOrigin == .config)
        #expect(project.datasource.migrationURL?.source == .environment(variable: "BACKEND_DATABASE_URL"))
        #expect(project.datasource.migrationURL?.emptyMeansUnset == true)
        #expect(project.environmentFiles.paths == ["/app/.env"])
    }

    @Test func configDatasourceReplacesTheSchemaURLsAsAWhole() throws {
        let project = try discover(
            [
                "/app/prisma.config.ts": "export default { datasource: { url: 'postgres://config/db' } }",
                "/app/prisma/schema.prisma": "datasource db {\n provider = \"postgresql\"\n url = env(\"A\")\n directUrl = env(\"B\")\n}",
            ], in: "/app")
        #expect(project.schema.origin == .defaultPlace)
        #expect(project.datasource.directUrl == nil)
        #expect(project.datasource.migrationURL?.source == .literal("postgres://config/db"))
        #expect(project.environmentFiles == EnvironmentFiles(paths: [], rule: .configFileLoadsNone))
    }

    @Test func schemaFlagWithSpacesIsRelativeToTheWorkingDirectory() throws {
        let project = try discover(
            [
                "/w/my app/db schema/main.prisma": Self.postgres,
                "/w/my app/prisma/schema.prisma": "datasource other {\n provider = \"mysql\"\n}",
            ], in: "/w/my app", schema: "./db schema/main.prisma", migrations: "../elsewhere/migrations")
        #expect(project.schema == SchemaLocation(path: "/w/my app/db schema/main.prisma", kind: .file, origin: .flag))
        #expect(project.migrations == MigrationsLocation(path: "/w/elsewhere/migrations", origin: .flag))
    }

    /// Prisma 6 puts a multi-file schema's migrations beside the file with the datasource; Prisma 7
    /// (no URL in the schema) in the schema folder.
    @Test func multiFileSchemaFolders() throws {
        let six = try discover(
            [
                "/app/prisma/schema/models/user.prisma": "model User {\n id Int @id\n}",
                "/app/prisma/schema/base/db.prisma": "datasource db {\n provider = \"postgresql\"\n url = env(\"DATABASE_URL\")\n}",
                "/app/prisma/schema/notes.md": "not a schema",
            ], in: "/app", schema: "prisma/schema")
        #expect(six.schema.kind == .folder(files: ["/app/prisma/schema/base/db.prisma", "/app/prisma/schema/models/user.prisma"]))
        #expect(
            six.migrations
                == MigrationsLocation(
                    path: "/app/prisma/schema/base/migrations", origin: .besideDatasourceFile("/app/prisma/schema/base/db.prisma")))
        #expect(six.datasource.location == PrismaLocation(file: "/app/prisma/schema/base/db.prisma", line: 1, column: 1))

        let seven = try discover(
            [
                "/app/prisma.config.ts": "export default { schema: 'prisma/schema', datasource: { url: process.env.DB } }",
                "/app/prisma/schema/base/db.prisma": Self.postgres,
                "/app/prisma/schema/user.prisma": "model User {\n id Int @id\n}",
            ], in: "/app")
        #expect(seven.migrations == MigrationsLocation(path: "/app/prisma/schema/migrations", origin: .besideSchema))

        // Prisma ≤ 6.5's default place for a multi-file schema.
        let byDefault = try discover(["/app/prisma/schema/db.prisma": Self.postgres], in: "/app")
        #expect(byDefault.schema.path == "/app/prisma/schema")
        #expect(byDefault.migrations.path == "/app/prisma/schema/migrations")
    }

    @Test func packageJSONSchemaIsRelativeToPackageJSON() throws {
        let project = try discover(
            [
                "/repo/package.json": #"{ "name": "x", "prisma": { "schema": "db/schema.prisma" } }"#,
                "/repo/db/schema.prisma": Self.postgres,
            ], in: "/repo")
        #expect(
            project.schema
                == SchemaLocation(
                    path: "/repo/db/schema.prisma", kind: .file,
                    origin: .packageJSON(PrismaLocation(file: "/repo/package.json", line: 1, column: 38))))
        #expect(project.migrations.path == "/repo/db/migrations")
    }

    @Test func configFilePrecedenceFollowsPrisma() throws {
        let schema = ["/app/prisma/schema.prisma": Self.postgres]
        let both = try discover(
            schema.merging(["/app/prisma.config.ts": "export default {}", "/app/prisma.config.js": "module.exports = {}"]) { $1 },
            in: "/app")
        #expect(both.configFile == "/app/prisma.config.js")
        let cts = try discover(schema.merging(["/app/prisma.config.cts": "module.exports = {}"]) { $1 }, in: "/app")
        #expect(cts.configFile == "/app/prisma.config.cts")
        #expect(throws: PrismaProjectError.unsupportedConfigExtension(path: "/app/prisma.config.json")) {
            try discover(schema.merging(["/app/prisma.config.json": "{}"]) { $1 }, in: "/app")
        }
        // `.config/prisma.ts`: its paths resolve against `.config/`.
        let dotConfig = try discover(
            [
                "/app/.config/prisma.ts": "export default { schema: '../db/schema.prisma', migrations: { path: '../db/migrations' } }",
                "/app/db/schema.prisma": Self.postgres,
            ], in: "/app")
        #expect(dotConfig.schema.path == "/app/db/schema.prisma")
        #expect(dotConfig.migrations.path == "/app/db/migrations")
    }

    @Test func aURLTheCallerHasNeedNotBeStatic() throws {
        let files = [
            "/app/prisma.config.ts": "export default { datasource: { url: process.env.DATABASE_URL ?? 'postgres://localhost/dev' } }",
            "/app/prisma/schema.prisma": Self.postgres,
        ]
        #expect(throws: PrismaProjectError.self) { try discover(files, in: "/app") }
        let project = try discover(files, in: "/app", urlGiven: true)
        #expect(project.datasource.url == nil)
    }

    @Test func errorsNameThePathAndTheWayOut() {
        #expect(
            throws: PrismaProjectError.schemaNotFound(checked: ["/app/schema.prisma", "/app/prisma/schema.prisma", "/app/prisma/schema/"])
        ) {
            try discover(["/app/package.json": "{}"], in: "/app")
        }
        #expect(throws: PrismaProjectError.schemaPathNotFound(path: "/app/nope.prisma", origin: .flag)) {
            try discover(["/app/prisma/schema.prisma": Self.postgres], in: "/app", schema: "nope.prisma")
        }
        #expect(throws: PrismaProjectError.emptySchemaFolder(path: "/app/db")) {
            try discover(["/app/db/readme.md": "x"], in: "/app", schema: "db")
        }
        #expect(
            throws: PrismaProjectError.unsupportedProvider(
                provider: "mysql", location: PrismaLocation(file: "/app/prisma/schema.prisma", line: 1, column: 28))
        ) {
            try discover(["/app/prisma/schema.prisma": "datasource db { provider = \"mysql\"\n}"], in: "/app")
        }
        #expect(throws: PrismaProjectError.noDatasource(schemaFiles: ["/app/schema.prisma"])) {
            try discover(["/app/schema.prisma": "model A {\n id Int @id\n}"], in: "/app")
        }
        #expect(
            throws: PrismaProjectError.multipleDatasources(
                first: PrismaLocation(file: "/app/s/a.prisma", line: 1, column: 1),
                second: PrismaLocation(file: "/app/s/b.prisma", line: 1, column: 1))
        ) {
            try discover(["/app/s/a.prisma": Self.postgres, "/app/s/b.prisma": Self.postgres], in: "/app", schema: "s")
        }
        #expect(
            throws: PrismaProjectError.datasourceValueNotReadable(
                key: "url", found: "a call to `concat(…)`", location: PrismaLocation(file: "/app/schema.prisma", line: 2, column: 9))
        ) {
            try discover(["/app/schema.prisma": "datasource db { provider = \"postgresql\"\n  url = concat(\"a\")\n}"], in: "/app")
        }
    }
}
