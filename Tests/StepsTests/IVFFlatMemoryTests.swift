import Steps
import Testing

/// The reference scenario (pgvector-and-postgres.md §1.4): 12,000 rows of vector(1536) in a heap
/// of about 89 main-fork blocks (the vectors are toasted), budget 64MB.
@Suite("IVFFlat memory model")
struct IVFFlatMemoryTests {
    let runbook = IVFFlatMemoryModel(
        formula: .runningTotalsWithBlockCap, columnType: .vector, dimensions: 1536, heapBlocks: 89, rows: 12_000)
    let budget: Int64 = 64 * 1024

    @Test(arguments: [(100, 65), (200, 71), (500, 150)])
    func reproducesTheServersMessage(lists: Int, megabytes: Int64) {
        #expect(runbook.predict(lists: lists).reportedMegabytes(budgetKilobytes: budget) == megabytes)
    }

    @Test func runningTotalsMatchTheWorkedExample() {
        let hundred = runbook.predict(lists: 100)
        #expect(hundred.checks.map(\.totalBytes) == [615_232, 62_135_264, 67_486_096])
        #expect(hundred.firstFailure(budgetKilobytes: budget)?.stage == .kmeans)
        let fiveHundred = runbook.predict(lists: 500)
        #expect(fiveHundred.sampleCapacity == 25_000)
        #expect(fiveHundred.firstFailure(budgetKilobytes: budget)?.stage == .samples)
        #expect(fiveHundred.checks.last?.totalBytes == 188_126_096)
    }

    /// The samples check's number is only a lower bound: after raising the setting to 150MB the
    /// k-means check asks for 180MB, which is what the preflight tells the user to set.
    @Test func requiredSettingIsThePeakNotTheFirstFailure() {
        let fiveHundred = runbook.predict(lists: 500)
        #expect(fiveHundred.reportedMegabytes(budgetKilobytes: 150 * 1024) == 180)
        #expect(fiveHundred.requiredMegabytes == 180)
        #expect(fiveHundred.fits(budgetKilobytes: 180 * 1024))
        #expect(runbook.predict(lists: 100).requiredMegabytes == 65)
        #expect(runbook.predict(lists: 200).requiredMegabytes == 71)
    }

    @Test func minimumSettingsInKilobytes() {
        #expect(runbook.predict(lists: 100).fits(budgetKilobytes: 65_904))
        #expect(!runbook.predict(lists: 100).fits(budgetKilobytes: 65_903))
        #expect(runbook.predict(lists: 200).fits(budgetKilobytes: 71_730))
        #expect(runbook.predict(lists: 500).fits(budgetKilobytes: 183_716))
    }

    @Test func largestListsAt64MB() {
        #expect(runbook.largestListsThatFit(budgetKilobytes: budget) == 93)
    }

    @Test func smallHeapCapsTheSampleFrom085() {
        let small = IVFFlatMemoryModel(
            formula: .runningTotalsWithBlockCap, columnType: .vector, dimensions: 1536, heapBlocks: 80, rows: 12_000)
        #expect(small.predict(lists: 500).sampleCapacity == 23_280)
        #expect(small.predict(lists: 500).reportedMegabytes(budgetKilobytes: budget) == 140)
        let old = IVFFlatMemoryModel(formula: .runningTotals, columnType: .vector, dimensions: 1536, heapBlocks: 80, rows: 12_000)
        #expect(old.predict(lists: 500).reportedMegabytes(budgetKilobytes: budget) == 150)
    }

    @Test func olderVersions() {
        let single = IVFFlatMemoryModel(formula: .singleCheck, columnType: .vector, dimensions: 1536, heapBlocks: 89, rows: 12_000)
        #expect([100, 200, 500].map { single.predict(lists: $0).reportedMegabytes(budgetKilobytes: budget) } == [65, 71, 180])
        let legacy = IVFFlatMemoryModel(formula: .legacy, columnType: .vector, dimensions: 1536, heapBlocks: 89, rows: 12_000)
        #expect(legacy.predict(lists: 100).peakBytes == 66_871_672)
        #expect(legacy.predict(lists: 100).fits(budgetKilobytes: budget))
        #expect(legacy.predict(lists: 200).reportedMegabytes(budgetKilobytes: budget) == 69)
        #expect(legacy.predict(lists: 500).reportedMegabytes(budgetKilobytes: budget) == 177)
    }

    @Test func formulaFollowsTheVersion() {
        #expect(IVFFlatMemoryModel.Formula(version: PgvectorVersion("0.8.6")!) == .runningTotalsWithBlockCap)
        #expect(IVFFlatMemoryModel.Formula(version: PgvectorVersion("0.8.5")!) == .runningTotalsWithBlockCap)
        #expect(IVFFlatMemoryModel.Formula(version: PgvectorVersion("0.8.4")!) == .runningTotals)
        #expect(IVFFlatMemoryModel.Formula(version: PgvectorVersion("0.8.3")!) == .singleCheck)
        #expect(IVFFlatMemoryModel.Formula(version: PgvectorVersion("0.7.0")!) == .singleCheck)
        #expect(IVFFlatMemoryModel.Formula(version: PgvectorVersion("0.6.2")!) == .legacy)
        #expect(PgvectorVersion("0.8.7-dev") == PgvectorVersion(0, 8, 7))
        #expect(PgvectorVersion("banana") == nil)
    }

    @Test func itemSizesPerType() {
        #expect(VectorColumnType.halfvec.ivfflatItemSize(dimensions: 3) == 14)
        #expect(VectorColumnType.bit.ivfflatItemSize(dimensions: 64) == 16)
        let half = IVFFlatMemoryModel(formula: .runningTotalsWithBlockCap, columnType: .halfvec, dimensions: 3, heapBlocks: 1, rows: 10)
        // Items are MAXALIGNed: 14 -> 16 bytes.
        let centers: Int64? = half.predict(lists: 1).checks.first?.totalBytes
        #expect(centers == Int64(48))
    }
}
