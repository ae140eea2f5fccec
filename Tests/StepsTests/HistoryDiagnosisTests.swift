import Foundation
import TestSupport
import Testing

@testable import Steps

@Suite("history against a folder")
struct HistoryDiagnosisTests {
    func row(_ name: String, _ sql: String, finished: Bool = true, rolledBack: Bool = false) -> HistoryRow {
        HistoryRow(
            migrationName: name, checksum: MigrationChecksum.of(Array(sql.utf8)), isFinished: finished, isRolledBack: rolledBack,
            appliedStepsCount: finished ? 1 : 0,
            failedAttempt: !finished && !rolledBack ? FailedAttempt(id: "f", startedAt: "2026-01-01", logs: nil) : nil)
    }

    @Test func matchesRowsInAnyOrderByTheirExactNames() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let scripts = [
            "1_a": "SELECT 1;", "2_b": "SELECT 2;", "3_c": "SELECT 3;", "4_d": "SELECT 4;", "5_e": "SELECT 5;", "6_caf\u{E9}": "SELECT 6;",
        ]
        for (name, sql) in scripts { try dir.write("m/\(name)/migration.sql", sql) }
        let folder = try MigrationFolder.load(dir.path + "/m")

        let rows = [
            row("3_c", "SELECT 3;"),  // applied before the names that sort ahead of it
            row("1_a", "SELECT 1;"),
            row("2_b", "SELECT 2;", finished: false, rolledBack: true),  // rolled back, then applied again
            row("2_b", "SELECT 2;"),
            row("4_d", "SELECT 4 -- as it was;"),  // edited since
            row("4_d", "SELECT 4;"),  // a second row for it: the first applied one counts
            row("9_gone", "SELECT 9;"),  // not in the folder
            row("8_gone_too", "SELECT 8;", finished: false, rolledBack: true),
            row("5_e", "SELECT 5;", finished: false),  // failed
            row("6_cafe\u{301}", "SELECT 6;"),  // the same name to Swift's ==, another to Prisma
        ]
        let diagnosis = HistoryDiagnosis(folder: folder, rows: rows, hasTable: true)
        #expect(diagnosis.pending.map(\.name) == ["6_caf\u{E9}"])
        #expect(diagnosis.edited.map(\.name) == ["4_d"])
        #expect(diagnosis.failed.map(\.migrationName) == ["5_e"])
        #expect(diagnosis.missingLocally.map(\.migrationName) == ["9_gone", "6_cafe\u{301}"])
        #expect(!diagnosis.isUpToDate)

        let clean = HistoryDiagnosis(
            folder: folder, rows: scripts.sorted { $0.key < $1.key }.map { row($0.key, $0.value) }, hasTable: true)
        #expect(clean.isUpToDate)
        #expect(folder.migration(named: "4_d")?.script == Array("SELECT 4;".utf8))
        #expect(folder.migration(named: "6_cafe\u{301}") == nil)
    }
}
