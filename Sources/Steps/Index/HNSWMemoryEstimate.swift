/// Whether an HNSW graph is likely to fit in maintenance_work_mem. Not an error when it does
/// not: pgvector then says "hnsw graph no longer fits into maintenance_work_mem" and finishes
/// on disk, much more slowly. pgvector ships no formula (PR #765), so this is an estimate from
/// its structs (`src/hnsw.h`, x86-64), as derived in the reference notes §2.2.
public struct HNSWMemoryEstimate: Sendable, Equatable {
    public var columnType: VectorColumnType
    public var dimensions: Int
    public var m: Int
    public var rows: Int64

    public init(columnType: VectorColumnType, dimensions: Int, m: Int = 16, rows: Int64) {
        self.columnType = columnType
        self.dimensions = dimensions
        self.m = max(2, m)
        self.rows = rows
    }

    /// Bytes of one element: the element struct, its neighbor lists (layer 0 holds 2m
    /// neighbors, each upper layer m; an element has 1/(m-1) upper layers on average) and the
    /// value itself.
    public var bytesPerElement: Double {
        let m = Double(self.m)
        let upperLayers = 1 / (m - 1)
        let element = 128.0
        let neighborPointers = 8 * (1 + upperLayers)
        let layerZero = 8 + 16 * 2 * m
        let upper = upperLayers * (8 + 16 * m)
        let d = Double(dimensions)
        let value: Double
        switch columnType {
        case .vector: value = 8 + 4 * d
        case .halfvec: value = 8 + 2 * d
        case .bit: value = 8 + (d / 8).rounded(.up)
        case .sparsevec: value = 16 + 8 * min(d, Double(VectorColumnType.hnswMaximumNonZero))
        }
        return element + neighborPointers + layerZero + upper + value
    }

    public var graphBytes: Int64 { Int64((bytesPerElement * Double(rows)).rounded(.up)) }

    /// Rows that fit in the budget before the build goes to disk.
    public func rowsThatFit(budgetKilobytes: Int64) -> Int64 {
        Int64(Double(budgetKilobytes * 1024) / bytesPerElement)
    }

    public func fits(budgetKilobytes: Int64) -> Bool { graphBytes <= budgetKilobytes * 1024 }

    /// The setting (MB) at which the whole graph is expected to fit.
    public var suggestedMegabytes: Int64 { graphBytes / 1_048_576 + 1 }
}
