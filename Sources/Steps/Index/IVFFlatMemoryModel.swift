/// pgvector's own IVFFlat memory arithmetic, as the installed version does it, so the preflight
/// predicts the exact "memory required is N MB" a build would fail with — before the build
/// commits an INVALID index. Pure: every input is a catalog fact (see the reference notes
/// `pgvector-and-postgres.md` §1 for the C functions each term comes from).
public struct IVFFlatMemoryModel: Sendable, Equatable {
    /// How the installed pgvector checks memory.
    public enum Formula: Sendable, Equatable {
        /// 0.5–0.6: one check inside k-means, 24-byte array header, unaligned items, no `agg`.
        case legacy
        /// 0.7.0–0.8.3: one check inside k-means, after the whole sample has been read.
        case singleCheck
        /// 0.8.4: running-total checks for centers, samples and k-means.
        case runningTotals
        /// 0.8.5+: as 0.8.4, with the sample capped at heap blocks × MaxHeapTuplesPerPage.
        case runningTotalsWithBlockCap

        public init(version: PgvectorVersion) {
            if version >= PgvectorVersion(0, 8, 5) {
                self = .runningTotalsWithBlockCap
            } else if version >= PgvectorVersion(0, 8, 4) {
                self = .runningTotals
            } else if version >= PgvectorVersion(0, 7, 0) {
                self = .singleCheck
            } else {
                self = .legacy
            }
        }
    }

    /// Where pgvector makes a check; the first one over budget is the error a build reports.
    public enum Stage: String, Sendable, Equatable {
        case centers, samples
        case kmeans = "k-means"
    }

    public struct Check: Sendable, Equatable {
        public var stage: Stage
        /// The running total pgvector compares with maintenance_work_mem at this check.
        public var totalBytes: Int64
    }

    public struct Prediction: Sendable, Equatable {
        public var lists: Int
        /// Rows pgvector reserves room for (`numSamples`).
        public var sampleCapacity: Int64
        /// Rows it actually samples (`samples->length`), which sizes the k-means arrays.
        public var sampledRows: Int64
        public var checks: [Check]
        let comparesKilobytes: Bool

        /// The largest running total: what the whole build needs.
        public var peakBytes: Int64 { checks.map(\.totalBytes).max() ?? 0 }

        /// The `maintenance_work_mem` (in MB, as pgvector reports it) that lets every check pass.
        public var requiredMegabytes: Int64 { IVFFlatMemoryModel.reportedMegabytes(peakBytes) }

        /// The check a build with this budget fails at, if any.
        public func firstFailure(budgetKilobytes: Int64) -> Check? {
            checks.first { exceeds($0.totalBytes, budgetKilobytes) }
        }

        public func fits(budgetKilobytes: Int64) -> Bool { firstFailure(budgetKilobytes: budgetKilobytes) == nil }

        /// The number the server's "memory required is N MB" would show with this budget.
        public func reportedMegabytes(budgetKilobytes: Int64) -> Int64? {
            firstFailure(budgetKilobytes: budgetKilobytes).map { IVFFlatMemoryModel.reportedMegabytes($0.totalBytes) }
        }

        private func exceeds(_ bytes: Int64, _ budgetKilobytes: Int64) -> Bool {
            // 0.8.4+ compares whole kB (`totalSize / 1024 > maintenance_work_mem`), so up to
            // 1023 bytes over still pass; older versions compare bytes.
            comparesKilobytes ? bytes / 1024 > budgetKilobytes : bytes > budgetKilobytes * 1024
        }
    }

    public var formula: Formula
    public var columnType: VectorColumnType
    public var dimensions: Int
    /// Main-fork blocks of the table (`pg_relation_size(t, 'main') / block_size`).
    public var heapBlocks: Int64
    /// Rows the build will see: live, non-null in the key, passing the predicate.
    public var rows: Int64
    public var blockSize: Int64

    public init(
        formula: Formula, columnType: VectorColumnType, dimensions: Int, heapBlocks: Int64, rows: Int64,
        blockSize: Int64 = 8192
    ) {
        self.formula = formula
        self.columnType = columnType
        self.dimensions = dimensions
        self.heapBlocks = heapBlocks
        self.rows = rows
        self.blockSize = blockSize
    }

    /// IVFFlat's `lists` range (`src/ivfflat.h`).
    public static let listsRange = 1...32_768

    /// `floor(bytes / 1 MiB) + 1`: pgvector rounds up even an exact number of MiB.
    public static func reportedMegabytes(_ bytes: Int64) -> Int64 { bytes / 1_048_576 + 1 }

    /// `MaxHeapTuplesPerPage`: 291 at 8 kB blocks.
    public var maxHeapTuplesPerPage: Int64 { (blockSize - 24) / (24 + 4) }

    /// Samples pgvector reserves: 50 per list, at least 10,000; from 0.8.5 no more than the heap
    /// could hold (`ComputeCenters`).
    public func sampleCapacity(lists: Int) -> Int64 {
        let target = max(Int64(lists) * 50, 10_000)
        guard formula == .runningTotalsWithBlockCap else { return target }
        return max(min(target, heapBlocks * maxHeapTuplesPerPage), 1)
    }

    public func predict(lists: Int) -> Prediction {
        let k = Int64(lists)
        let d = Int64(dimensions)
        let capacity = sampleCapacity(lists: lists)
        let n = max(0, min(capacity, rows))
        let legacy = formula == .legacy
        let header: Int64 = legacy ? 24 : 32
        let rawItem = columnType.ivfflatItemSize(dimensions: dimensions)
        let item = legacy ? rawItem : (rawItem + 7) / 8 * 8
        func arraySize(_ length: Int64) -> Int64 { header + length * item }

        let centers = arraySize(k)
        let samples = centers + arraySize(capacity)
        let agg = legacy ? 0 : 4 * k * d
        // newCenters, agg, centerCounts, closestCenters, lowerBound, upperBound, s, halfcdist, newcdist
        let kmeans = samples + arraySize(k) + agg + 4 * k + 4 * n + 4 * n * k + 4 * n + 4 * k + 4 * k * k + 4 * k

        let checks: [Check]
        switch formula {
        case .runningTotals, .runningTotalsWithBlockCap:
            checks = [
                Check(stage: .centers, totalBytes: centers), Check(stage: .samples, totalBytes: samples),
                Check(stage: .kmeans, totalBytes: kmeans),
            ]
        case .singleCheck, .legacy:
            checks = [Check(stage: .kmeans, totalBytes: kmeans)]
        }
        return Prediction(
            lists: lists, sampleCapacity: capacity, sampledRows: n, checks: checks,
            comparesKilobytes: formula == .runningTotals || formula == .runningTotalsWithBlockCap)
    }

    /// The largest `lists` whose build fits the budget, or nil when even one list does not.
    /// Every running total grows with `lists`, so a binary search finds it.
    public func largestListsThatFit(budgetKilobytes: Int64) -> Int? {
        guard predict(lists: Self.listsRange.lowerBound).fits(budgetKilobytes: budgetKilobytes) else { return nil }
        var low = Self.listsRange.lowerBound
        var high = Self.listsRange.upperBound
        while low < high {
            let middle = (low + high + 1) / 2
            if predict(lists: middle).fits(budgetKilobytes: budgetKilobytes) { low = middle } else { high = middle - 1 }
        }
        return low
    }
}
