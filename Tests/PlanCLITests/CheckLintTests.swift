import Foundation
import TestSupport
import Testing

@Suite("plan check lints migration SQL")
struct CheckLintTests {
    @Test func reportsStatementsOutsideTransactionsAndRiskyIndexBuilds() throws {
        let project = try MigrationsFixture([
            ("1_init", "CREATE TABLE items (id int, name text);\nCREATE INDEX items_id ON items (id);\n"),
            ("2_indexes", "CREATE INDEX items_name ON items (name);\nCREATE INDEX CONCURRENTLY items_lower ON items (lower(name));\n"),
        ])
        defer { project.remove() }
        try project.directory.write("release.plan.yaml", "plan: 1\nname: lint\nsteps:\n  - migrate: {}\n")
        let output = try PlanProcess.run(["check", "release.plan.yaml"], directory: project.root)
        #expect(output.status == 0, "warnings do not fail a check: \(output.all)")
        let lines = output.stderr.split(separator: "\n").map(String.init)
        #expect(
            lines.contains { $0.hasPrefix("prisma/migrations/2_indexes/migration.sql:1:1: warning: ") && $0.contains("items") },
            "\(output.stderr)")
        #expect(lines.contains { $0.hasPrefix("prisma/migrations/2_indexes/migration.sql:2:1: warning: ") && $0.contains("IF NOT EXISTS") })
        #expect(
            lines.contains(
                "prisma/migrations/2_indexes/migration.sql:2:1: note: runs outside a transaction, alone in autocommit: CREATE INDEX CONCURRENTLY cannot run inside a transaction block [runs-outside-transaction]"
            ))
        #expect(!output.stderr.contains("1_init/migration.sql:2"), "an index on a table the same file creates is fine")
    }

    @Test func unreadableSQLIsAnErrorWithItsPosition() throws {
        let project = try MigrationsFixture([("1_bad", "SELECT 1;\nSELECT 'unterminated;\n")])
        defer { project.remove() }
        try project.directory.write("release.plan.yaml", "plan: 1\nname: lint\nsteps:\n  - migrate: {}\n")
        let output = try PlanProcess.run(["check", "release.plan.yaml", "--format", "github"], directory: project.root)
        #expect(output.status == 2)
        #expect(
            output.stderr.contains("::error file=prisma/migrations/1_bad/migration.sql,line=2,col=8,title=plan%3A sql-syntax::"),
            "\(output.all)")
    }
}
