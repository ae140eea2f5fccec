/// The pgvector column types an ivfflat or hnsw index can be built on, with pgvector's own
/// limits (`src/ivfflat.h`, `src/hnsw.h` and the `*_support` functions of 0.7+), so a build that
/// pgvector would refuse is refused before it takes any lock.
public enum VectorColumnType: String, Sendable, Equatable, CaseIterable {
    case vector, halfvec, bit, sparsevec

    /// The most dimensions (bits for `bit`) the method accepts for this type; nil when the
    /// method has no operator class for it at all (ivfflat on sparsevec).
    public func maximumDimensions(for method: VectorIndexMethod) -> Int? {
        switch (self, method) {
        case (.vector, _): 2_000
        case (.halfvec, _): 4_000
        case (.bit, _): 64_000
        case (.sparsevec, .hnsw): 1_000_000_000
        case (.sparsevec, .ivfflat): nil
        }
    }

    /// HNSW stores at most this many non-zero elements of a sparsevec (`HNSW_MAX_NNZ`).
    public static let hnswMaximumNonZero = 1_000

    /// Bytes of one value as pgvector's IVFFlat build stores it, before MAXALIGN
    /// (`VectorItemSize`, `HalfvecItemSize`, `BitItemSize` in `src/ivfutils.c`).
    public func ivfflatItemSize(dimensions: Int) -> Int64 {
        let d = Int64(dimensions)
        switch self {
        case .vector: return 8 + 4 * d
        case .halfvec: return 8 + 2 * d
        case .bit: return 4 + 4 + (d + 7) / 8
        case .sparsevec: return 16 + 8 * d
        }
    }

    /// The operator-class names pgvector ships for this type and method (`sql/vector.sql`).
    public func operatorClasses(for method: VectorIndexMethod) -> [String] {
        switch (self, method) {
        case (.vector, .ivfflat): ["vector_l2_ops", "vector_ip_ops", "vector_cosine_ops"]
        case (.vector, .hnsw): ["vector_l2_ops", "vector_ip_ops", "vector_cosine_ops", "vector_l1_ops"]
        case (.halfvec, .ivfflat): ["halfvec_l2_ops", "halfvec_ip_ops", "halfvec_cosine_ops"]
        case (.halfvec, .hnsw): ["halfvec_l2_ops", "halfvec_ip_ops", "halfvec_cosine_ops", "halfvec_l1_ops"]
        case (.bit, .ivfflat): ["bit_hamming_ops"]
        case (.bit, .hnsw): ["bit_hamming_ops", "bit_jaccard_ops"]
        case (.sparsevec, .ivfflat): []
        case (.sparsevec, .hnsw): ["sparsevec_l2_ops", "sparsevec_ip_ops", "sparsevec_cosine_ops", "sparsevec_l1_ops"]
        }
    }

    /// The opclass used when a key names none: only ivfflat on vector has a DEFAULT one; HNSW
    /// has none, so an HNSW key must always name its opclass.
    public func defaultOperatorClass(for method: VectorIndexMethod) -> String? {
        self == .vector && method == .ivfflat ? "vector_l2_ops" : nil
    }
}

/// The two pgvector access methods.
public enum VectorIndexMethod: String, Sendable, Equatable {
    case ivfflat, hnsw
}
