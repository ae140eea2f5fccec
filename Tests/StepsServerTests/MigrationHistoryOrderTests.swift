import Foundation
import Runner
import Steps
import TestSupport
import Testing

/// The history's rows come out in the order Prisma reads them: started_at, then finished_at with
/// unfinished rows last, whatever order they were written in and whatever the session's TimeZone.
@Suite("the migration history's order")
struct MigrationHistoryOrderTests {
    @Test func rowsComeInPrismasOrderWhateverOrderTheyWereWrittenIn() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        try MigrationHistory.ensureTable(on: connection)
        // Written out of order; "b_failed" and "a_first" start together, "c_done_later" and
        // "c_done_sooner" too, as rows applied in one transaction do.
        try connection.execute(
            """
            INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, rolled_back_at, logs, applied_steps_count)
            VALUES
              ('i4', 'k4', 'd_last', '2026-03-01 10:00:00+00', '2026-03-01 10:00:01+00', NULL, NULL, 1),
              ('i2', 'k2', 'b_failed', '2026-01-01 10:00:00.25+00', NULL, NULL, 'boom', 0),
              ('i5', 'k5', 'c_done_later', '2026-02-01 10:00:00+00', '2026-02-01 10:00:09+00', NULL, NULL, 1),
              ('i1', 'k1', 'a_first', '2026-01-01 10:00:00.25+00', '2026-01-01 10:00:03+00', NULL, NULL, 1),
              ('i3', 'k3', 'c_done_sooner', '2026-02-01 10:00:00+00', '2026-02-01 10:00:02+00', NULL, NULL, 1),
              ('i6', 'k6', 'e_rolled_back', '2025-12-31 23:00:00+00', NULL, '2026-01-05 00:00:00+00', 'old', 0)
            """)
        try connection.execute("SET TimeZone = 'America/St_Johns'")
        let rows = try MigrationHistory.load(from: connection)
        #expect(rows.map(\.migrationName) == ["e_rolled_back", "a_first", "b_failed", "c_done_sooner", "c_done_later", "d_last"])
        let servers = try connection.execute(
            "SELECT migration_name FROM _prisma_migrations ORDER BY started_at ASC, finished_at ASC NULLS LAST"
        ).rows.map { $0[0] ?? "" }
        #expect(rows.map(\.migrationName) == servers)

        let failed = rows.first { $0.migrationName == "b_failed" }
        #expect(failed?.isFinished == false && failed?.isRolledBack == false)
        #expect(failed?.failedAttempt == FailedAttempt(id: "i2", startedAt: "2026-01-01 10:00:00.250 UTC", logs: "boom"))
        let rolledBack = rows.first { $0.migrationName == "e_rolled_back" }
        #expect(rolledBack?.isRolledBack == true && rolledBack?.failedAttempt == nil)
        let last = rows.first { $0.migrationName == "d_last" }
        #expect(last?.checksum == "k4" && last?.isFinished == true && last?.appliedStepsCount == 1)
    }
}
