import Testing

@testable import PrismaProject

/// `prisma.config.*` read statically: the forms real projects use, and a clear error, naming the
/// flag to use, for everything else.
@Suite struct ConfigFileTests {
    private func read(_ text: String, needs: PrismaConfigFile.Needs = .init()) throws(PrismaProjectError) -> PrismaConfigFile {
        try PrismaConfigFile.read(path: "/app/prisma.config.ts", text: text, needs: needs)
    }

    @Test func prismaSevenShape() throws {
        let config = try read(
            """
            import 'dotenv/config';
            import { defineConfig, env } from 'prisma/config';

            export default defineConfig({
              schema: 'prisma/schema.prisma',
              migrations: {
                path: 'prisma/migrations',
              },
              datasource: {
                url: env('DATABASE_URL'),
              },
            });
            """)
        #expect(config.schema?.path == "/app/prisma/schema.prisma")
        #expect(config.schema?.location == PrismaLocation(file: "/app/prisma.config.ts", line: 5, column: 11))
        #expect(config.migrations?.path == "/app/prisma/migrations")
        #expect(config.datasource?.url?.source == .environment(variable: "DATABASE_URL"))
        #expect(config.datasource?.url?.emptyMeansUnset == true)
        #expect(config.datasource?.url?.location == PrismaLocation(file: "/app/prisma.config.ts", line: 10, column: 10))
        #expect(config.environmentRule == .configImportsDotenv(PrismaLocation(file: "/app/prisma.config.ts", line: 1, column: 1)))
    }

    @Test func satisfiesShapeWithCommentsDoubleQuotesTemplatesAndProcessEnv() throws {
        let config = try read(
            """
            // The config of the app. /* not a block comment */
            import type { PrismaConfig } from "prisma";
            /* migrations live next to
               the schema { } */
            export default {
              schema: `db/schema.prisma`, // a template without substitutions
              migrations: { path: "db/my migrations" /* a folder with a space */, },
              datasource: {
                url: process.env.NEXT_PRIVATE_DATABASE_URL!,
                directUrl: process.env["NEXT_PRIVATE_DIRECT_DATABASE_URL"] as string,
                shadowDatabaseUrl: 'postgres://localhost/shadow',
              },
            } satisfies PrismaConfig
            """)
        #expect(config.schema?.path == "/app/db/schema.prisma")
        #expect(config.migrations?.path == "/app/db/my migrations")
        #expect(config.datasource?.url?.source == .environment(variable: "NEXT_PRIVATE_DATABASE_URL"))
        #expect(config.datasource?.url?.emptyMeansUnset == false)
        #expect(config.datasource?.directUrl?.source == .environment(variable: "NEXT_PRIVATE_DIRECT_DATABASE_URL"))
        #expect(config.datasource?.shadowDatabaseUrl?.source == .literal("postgres://localhost/shadow"))
        #expect(config.environmentRule == .configFileLoadsNone)
    }

    @Test func constantsModuleExportsAndGenericEnv() throws {
        let config = try read(
            """
            require('dotenv').config({ path: '../../.env' })
            const { defineConfig, env } = require('prisma/config')
            const url = "postgresql://u@h/db?schema=\\u0061pp"
            const config = {
              schema: "./schema.prisma",
              datasource: { url, },
            }
            module.exports = config
            """)
        #expect(config.schema?.path == "/app/schema.prisma")
        #expect(config.datasource?.url?.source == .literal("postgresql://u@h/db?schema=app"))
        #expect(config.environmentRule == .configLoadsEnvironmentItself(PrismaLocation(file: "/app/prisma.config.ts", line: 1, column: 1)))

        let generic = try read(
            """
            import { defineConfig, env } from "prisma/config";
            type Env = { DATABASE_URL: string };
            const config: ReturnType<typeof defineConfig> = defineConfig({
              datasource: { url: env<Env>("DATABASE_URL") },
            });
            export default config;
            """)
        #expect(generic.datasource?.url?.source == .environment(variable: "DATABASE_URL"))
        #expect(generic.schema == nil)
    }

    @Test func unrelatedKeysMayBeAnything() throws {
        let config = try read(
            """
            import { defineConfig } from 'prisma/config'
            import path from 'node:path'
            export default defineConfig({
              experimental: { externalTables: true },
              tables: { external: ["public.users", `audit.${'log'}`] },
              migrations: {
                seed: `tsx ${path.join('prisma', 'seed.ts')}`,
                path: 'prisma/migrations',
                initShadowDb: "CREATE TABLE x (a int); -- } {",
              },
              views: { path: path.join(__dirname, 'views') },
              typedSql: { path: /sql\\//.source },
            })
            """)
        #expect(config.migrations?.path == "/app/prisma/migrations")
        #expect(config.datasource == nil)
    }

    @Test(arguments: [
        ("schema: path.join(__dirname, 'prisma', 'schema.prisma'),", "schema", "a call to `path.join(…)`", "--schema", 4, 11),
        ("schema: schemaPath,", "schema", "the variable `schemaPath`", "--schema", 4, 11),
        ("migrations: { path: `${root}/migrations` },", "migrations.path", "a template literal with ${…}", "--migrations", 4, 23),
        ("migrations: getMigrations(),", "migrations", "a call to `getMigrations(…)`", "--migrations", 4, 15),
        (
            "datasource: { url: process.env.DATABASE_URL ?? 'postgres://localhost/db' },",
            "datasource.url", "an expression with `??` (the variable DATABASE_URL and more)", "--database-url", 4, 22
        ),
        (
            "datasource: { url: env(name) },", "datasource.url", "an env(…) call whose argument is not a string literal", "--database-url",
            4, 22
        ),
        ("datasource: { ...shared },", "datasource.url", "possibly set by a spread (the variable `shared`)", "--database-url", 4, 20),
        ("...base,", "schema", "possibly set by a spread (the variable `base`)", "--schema", 4, 6),
        (
            "engine: 'js', adapter: async () => new PrismaPg({ connectionString: env('X') }),",
            "adapter", "a driver adapter (a function) that Prisma calls to connect", "--database-url", 4, 26
        ),
    ])
    func notStaticIsAnErrorNamingTheFlag(member: String, key: String, found: String, flag: String, line: Int, column: Int) {
        let text = """
            import { defineConfig, env } from 'prisma/config'
            import path from 'node:path'
            export default defineConfig({
              \(member)
            })
            """
        #expect(
            throws: PrismaProjectError.configValueNotStatic(
                key: key, found: found, location: PrismaLocation(file: "/app/prisma.config.ts", line: line, column: column), flag: flag)
        ) {
            try read(text)
        }
    }

    @Test func aValueTheCallerHasIsNotNeeded() throws {
        let text = """
            export default {
              schema: path.join(__dirname, 'schema.prisma'),
              migrations: { path: dir },
              datasource: { url: process.env.A || process.env.B, directUrl: env('DIRECT') },
            }
            """
        let config = try read(text, needs: .init(schema: false, migrations: false, databaseURL: false))
        #expect(config.schema == nil && config.migrations == nil)
        #expect(config.datasource?.url == nil)
    }

    @Test func messagesSayWhereWhatAndWhichFlag() {
        let error = PrismaProjectError.configValueNotStatic(
            key: "schema", found: "a call to `path.join(…)`", location: PrismaLocation(file: "prisma.config.ts", line: 4, column: 11),
            flag: "--schema")
        #expect(
            error.description
                == "prisma.config.ts:4:11: cannot read `schema` without running the config file: it is a call to `path.join(…)`. "
                + "plan reads only string literals, env('NAME') and process.env.NAME here; pass --schema instead")
    }

    @Test func shapesWithoutAnObject() {
        #expect(throws: PrismaProjectError.configHasNoDefaultExport(path: "/app/prisma.config.ts")) {
            try read("import { defineConfig } from 'prisma/config'\ndefineConfig({})\n")
        }
        #expect(
            throws: PrismaProjectError.wrongValueType(
                key: "schema", expected: "a string", location: PrismaLocation(file: "/app/prisma.config.ts", line: 1, column: 26))
        ) {
            try read("export default { schema: 42 }")
        }
        #expect(
            throws: PrismaProjectError.syntax(
                message: "a string is not closed on its line", location: PrismaLocation(file: "/app/prisma.config.ts", line: 1, column: 26))
        ) {
            try read("export default { schema: 'prisma/schema.prisma }\n")
        }
    }
}
