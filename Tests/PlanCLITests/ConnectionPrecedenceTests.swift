import Foundation
import Runner
import TestSupport
import Testing

/// SPEC §4: --database-url, else the plan's database_url, else DATABASE_URL (the environment,
/// then .env / prisma/.env like Prisma ≤ 6), else libpq's own defaults.
@Suite("which database a command uses")
struct ConnectionPrecedenceTests {
    @Test func dotEnvSuppliesDatabaseURLButNeverOverridesTheEnvironment() throws {
        let fromFile = try TestDatabase.fresh()
        defer { fromFile.drop() }
        let fromEnvironment = try TestDatabase.fresh()
        defer { fromEnvironment.drop() }
        let project = try MigrationsFixture([("1_a", "CREATE TABLE a (id int);")])
        defer { project.remove() }
        try project.directory.write("prisma/.env", "# Prisma-style\nDATABASE_URL=\"\(fromFile.url)\"\n")

        let viaFile = try PlanProcess.run(["migrate"], directory: project.root)
        #expect(viaFile.status == 0, "\(viaFile.all)")
        #expect(try fromFile.connect().execute("SELECT count(*) FROM _prisma_migrations").scalar == "1")

        let viaEnvironment = try PlanProcess.run(["migrate"], environment: ["DATABASE_URL": fromEnvironment.url], directory: project.root)
        #expect(viaEnvironment.status == 0, "\(viaEnvironment.all)")
        #expect(try fromEnvironment.connect().execute("SELECT count(*) FROM _prisma_migrations").scalar == "1")
        #expect(!viaFile.all.contains(fromFile.password) && !viaEnvironment.all.contains(fromEnvironment.password))
    }

    @Test func theCommandLineWinsOverThePlanWhichWinsOverTheEnvironment() throws {
        let planDatabase = try TestDatabase.fresh()
        defer { planDatabase.drop() }
        let flagDatabase = try TestDatabase.fresh()
        defer { flagDatabase.drop() }
        let project = try MigrationsFixture([("1_a", "CREATE TABLE a (id int);")])
        defer { project.remove() }
        try project.directory.write(
            "release.plan.yaml", "plan: 1\nname: p\nsettings:\n  database_url: ${{ env.PLAN_DB }}\nsteps:\n  - migrate: {}\n")
        let environment = ["PLAN_DB": planDatabase.url, "DATABASE_URL": "postgresql://nobody:secret@127.0.0.1:1/none"]

        let viaPlan = try PlanProcess.run(["run", "release.plan.yaml"], environment: environment, directory: project.root)
        #expect(viaPlan.status == 0, "\(viaPlan.all)")
        #expect(try planDatabase.connect().execute("SELECT count(*) FROM _prisma_migrations").scalar == "1")

        let viaFlag = try PlanProcess.run(
            ["run", "release.plan.yaml", "--database-url", flagDatabase.url], environment: environment, directory: project.root)
        #expect(viaFlag.status == 0, "\(viaFlag.all)")
        #expect(try flagDatabase.connect().execute("SELECT count(*) FROM _prisma_migrations").scalar == "1")
        #expect(!viaPlan.all.contains(planDatabase.password))
    }

    @Test func aTransactionPoolerURLGetsAWarning() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([])
        defer { project.remove() }
        let output = try PlanProcess.run(
            ["status", "--allow-empty", "--database-url", database.url + "?pgbouncer=true&connection_limit=1"], directory: project.root)
        #expect(output.stdout.contains("looks like a transaction pooler (the URL says pgbouncer=true)"), "\(output.all)")
        #expect(output.stdout.contains("directUrl"))
    }
}
