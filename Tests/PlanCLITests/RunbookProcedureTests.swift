import Foundation
import Runner
import TestSupport
import Testing

/// The runbook's "write the migration with --create-only, run CREATE INDEX CONCURRENTLY by hand,
/// then `prisma migrate resolve --applied`" as one reproducible plan.
@Suite("generate + index-concurrently + record_as")
struct RunbookProcedureTests {
    @Test func generatesBuildsAndRecordsTheIndexMigration() throws {
        let database = try TestDatabase.fresh(extensions: ["vector"])
        defer { database.drop() }
        let project = try MigrationsFixture([
            ("20240101000000_init", "CREATE TABLE memories (id int PRIMARY KEY, user_id text, created_at timestamptz);\n")
        ])
        defer { project.remove() }
        try project.directory.write(
            "release.plan.yaml",
            """
            plan: 1
            name: runbook
            steps:
              - migrate: {}
              - generate:
                  name: memories_user_created_index
                  from_step: build
              - id: build
                index-concurrently:
                  name: memories_user_created_idx
                  table: memories
                  columns: [user_id, { column: created_at, order: desc }]
                  record_as: memories_user_created_index
              - migrate: {}
              - verify:
                  checks:
                    - migrations: up-to-date
                    - index: { name: memories_user_created_idx, table: memories, using: btree, valid: true }
            """)
        let first = try PlanProcess.run(["run", "release.plan.yaml", "--database-url", database.url], directory: project.root)
        #expect(first.status == 0, "\(first.all)")
        #expect(first.stdout.contains("→ mark migration ") && first.stdout.contains("as applied (record_as)"), "\(first.all)")

        let generated = try FileManager.default.contentsOfDirectory(atPath: project.migrationsPath)
            .filter { $0.hasSuffix("_memories_user_created_index") }
        #expect(generated.count == 1)
        let sql = try String(contentsOfFile: project.migrationsPath + "/\(generated[0])/migration.sql", encoding: .utf8)
        #expect(sql.contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS \"memories_user_created_idx\" ON \"memories\""), "\(sql)")
        let rows = try database.connect().execute(
            "SELECT migration_name, logs, applied_steps_count FROM _prisma_migrations ORDER BY started_at"
        ).rows
        #expect(rows.count == 2)
        #expect(rows.last == [generated[0], "", "0"], "recorded as `resolve --applied` records it")

        // Re-running changes nothing: the file exists with the same content, the index is valid.
        let again = try PlanProcess.run(["run", "release.plan.yaml", "--database-url", database.url], directory: project.root)
        #expect(again.status == 0, "\(again.all)")
        #expect(again.stdout.contains("already exists and is valid"))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: project.migrationsPath).filter {
                $0.hasSuffix("_memories_user_created_index")
            }.count == 1)
        #expect(try database.connect().execute("SELECT count(*) FROM _prisma_migrations").scalar == "2")
    }
}
