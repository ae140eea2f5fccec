import Testing

@testable import Steps

@Suite("history left unchanged by a step")
struct MigrationHistoryCacheTests {
    let row = HistoryRow(
        id: "1", checksum: "c", finishedAt: "2026-01-01", migrationName: "1_a", logs: nil, rolledBackAt: nil,
        startedAt: "2026-01-01", appliedStepsCount: 1)

    @Test func onlyTheNextStepSeesIt() {
        let cache = MigrationHistoryCache()
        #expect(cache.unchanged(before: 2) == nil)
        cache.remember(hasTable: true, rows: [row], readBy: 1)
        #expect(cache.unchanged(before: 2)?.rows == [row])
        #expect(cache.unchanged(before: 3) == nil, "a step in between may have written the table")
        #expect(cache.unchanged(before: 1) == nil)
    }
}
