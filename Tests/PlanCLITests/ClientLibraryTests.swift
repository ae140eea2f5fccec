import Foundation
import TestSupport
import Testing

/// libpq is opened only by the subcommands that connect, and PLAN_LIBPQ chooses which one.
@Suite("the client library")
struct ClientLibraryTests {
    @Test func plansAreCheckedWithoutLoadingLibpqAndAConnectingCommandNamesTheOneItCouldNotLoad() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([("1_a", "CREATE TABLE a (id int);\n")])
        defer { project.remove() }
        try project.directory.write("release.plan.yaml", "plan: 1\nname: r\nsteps:\n  - migrate: {}\n")
        let missing = "/nonexistent/libpq.so.5"

        let check = try PlanProcess.run(["check", "release.plan.yaml"], environment: ["PLAN_LIBPQ": missing], directory: project.root)
        #expect(check.status == 0, "\(check.all)")

        let run = try PlanProcess.run(
            ["run", "release.plan.yaml", "--database-url", database.url], environment: ["PLAN_LIBPQ": missing],
            directory: project.root)
        #expect(run.status == 3, "\(run.all)")
        #expect(run.stderr.contains("could not load PostgreSQL's client library \(missing)"), "\(run.all)")
        #expect(run.stderr.contains("point PLAN_LIBPQ at a libpq.so.5, or unset it"), "\(run.all)")

        let system = try PlanProcess.run(
            ["run", "release.plan.yaml", "--database-url", database.url], environment: ["PLAN_LIBPQ": ""], directory: project.root)
        #expect(system.status == 0, "\(system.all)")
    }
}
