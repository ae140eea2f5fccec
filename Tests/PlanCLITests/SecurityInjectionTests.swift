import Foundation
import Runner
import TestSupport
import Testing

/// Issue 19, items 1 and 2: values from `--set` and the environment cannot change the shape of
/// the SQL or of a shell command line, whatever the database's settings.
@Suite("security: injection")
struct SecurityInjectionTests {
    static let breakout = #"\')); DROP TABLE canary; --"#

    /// A database that turned `standard_conforming_strings` off (where `'\'` does not end a
    /// literal) once let `\'` end the literal early: `canary` was dropped. The database-level
    /// setting is overridden by the session pin; the plan's own `SET` by the quoter's E'' form.
    @Test(arguments: [false, true])
    func aBackslashCannotEndALiteralWhenStandardConformingStringsIsOff(setInPlan: Bool) throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE TABLE canary (id int); CREATE TABLE t (v int)")
        try connection.execute("ALTER DATABASE \(PostgresConnection.quoteIdentifier(database.name)) SET standard_conforming_strings = off")
        let project = try MigrationsFixture()
        defer { project.remove() }
        try project.directory.write(
            "p.plan.yaml",
            """
            plan: 1
            name: scs
            params:
              v: { type: string, default: x }
            steps:
              - sql: |
                  \(setInPlan ? "SET standard_conforming_strings = off;" : "")
                  INSERT INTO t VALUES (length(${{ params.v }}));
            """)
        let run = try PlanProcess.run(
            ["run", "p.plan.yaml", "--database-url", database.url, "--set", "v=\(Self.breakout)"], directory: project.root)
        #expect(run.status == 0, "\(run.all)")
        #expect(try connection.execute("SELECT count(*) FROM pg_class WHERE relname = 'canary'").scalar == "1")
        #expect(try connection.execute("SELECT v FROM t").scalar == String(Self.breakout.count))
    }
}
