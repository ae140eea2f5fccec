import Foundation
import PlanModel
import Runner
import Steps
import TestSupport
import Testing

/// migrate's unit-by-unit path, which now sends its units through the executor the sql step
/// shares: progress recorded per unit, errors mapped to the file, the failure recorded as Prisma does.
@Suite("migrate: migrations with statements that cannot run in a transaction")
struct MigrateUnitsTests {
    @Test func unitsCommitOneByOneAndTheHistoryCountsThem() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let folder = try migrationsFolder(
            directory,
            [
                ("20240101000000_index", "CREATE TABLE t (id int);\nCREATE INDEX CONCURRENTLY t_id ON t (id);\nINSERT INTO t VALUES (1);\n")
            ])
        migrate(folder, on: database)
        let row = try database.connect().execute("SELECT applied_steps_count, finished_at IS NOT NULL FROM _prisma_migrations").rows
        #expect(row == [["3", "t"]])
        #expect(try database.connect().execute("SELECT count(*) FROM t").scalar == "1")
    }

    @Test func aFailingUnitIsLocatedAndRecordedWithWhatCommitted() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let folder = try migrationsFolder(
            directory,
            [
                (
                    "20240101000000_index",
                    "CREATE TABLE t (id int);\nCREATE INDEX CONCURRENTLY t_id ON t (id);\nINSERT INTO t VALUES (1);\nINSERT INTO t VALUES (nope);\n"
                )
            ])
        let harness = StepHarness(url: database.url)
        let summary = harness.run(MigrateRunner(MigrateStep(migrations: folder)), kind: "migrate")
        #expect(summary.exitCode == 1)
        let error = try #require(harness.sink.messages(.error).last)
        #expect(error.location == "\(folder)/20240101000000_index/migration.sql:4:23")
        #expect(error.text.hasPrefix("migration 20240101000000_index failed in unit 3 of 3: column \"nope\" does not exist"))
        let connection = try database.connect()
        let row = try connection.execute(
            "SELECT applied_steps_count, finished_at IS NULL, logs LIKE '%Database error code: 42703%' FROM _prisma_migrations"
        ).rows
        #expect(row == [["2", "t", "t"]])
        // Unit 3 rolled back as a whole: the valid INSERT before the bad one did not stay.
        #expect(try connection.execute("SELECT count(*) FROM t").scalar == "0")
    }
}
