import Foundation
import Runner
import TestSupport
import Testing

@Suite("plan verify")
struct VerifyCommandTests {
    @Test func runsOnlyTheVerifyStepsAndListsEveryFailure() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        try database.connect().execute("CREATE TABLE items (id int, name text); CREATE INDEX items_name ON items (name)")
        let project = try MigrationsFixture([("1_a", "CREATE TABLE a (id int);")])
        defer { project.remove() }
        try project.directory.write(
            "release.plan.yaml",
            """
            plan: 1
            name: checks
            steps:
              - migrate: {}
              - verify:
                  checks:
                    - table: items
                    - column: { table: items, name: name, type: text }
                    - column: { table: items, name: id, type: bigint }
                    - index: { name: items_name, using: hash }
                    - extension: { name: vector }
                    - query: SELECT count(*) FROM items
                      expect: 0
            """)
        let output = try PlanProcess.run(["verify", "release.plan.yaml", "--database-url", database.url], directory: project.root)
        #expect(output.status == 1, "\(output.all)")
        #expect(!output.all.contains("[2]"), "only the verify step runs")
        #expect(try database.connect().execute("SELECT to_regclass('_prisma_migrations') IS NULL").scalar == "t", "migrate did not run")
        for failing in ["column items.id", "index items_name", "extension vector"] {
            #expect(output.all.contains("✗ \(failing)"), "\(failing) is reported: \(output.all)")
        }
        for passing in ["table items", "column items.name"] {
            #expect(output.all.contains("✓ \(passing)"), "\(passing) is reported: \(output.all)")
        }
    }
}
