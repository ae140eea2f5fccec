import Testing

@testable import Steps

@Suite("history left unchanged by a step")
struct MigrationHistoryCacheTests {
    let row = HistoryRow(migrationName: "1_a", checksum: "c", isFinished: true, isRolledBack: false, appliedStepsCount: 1)

    @Test func onlyTheNextStepSeesIt() {
        let cache = MigrationHistoryCache()
        #expect(cache.unchanged(before: 2) == nil)
        cache.remember(hasTable: true, rows: [row], readBy: 1)
        #expect(cache.unchanged(before: 2)?.rows == [row])
        #expect(cache.unchanged(before: 3) == nil, "a step in between may have written the table")
        #expect(cache.unchanged(before: 1) == nil)
    }
}
