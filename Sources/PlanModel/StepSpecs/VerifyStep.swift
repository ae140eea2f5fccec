/// `verify`: checks evaluated together in one READ ONLY transaction; every failure is reported.
public struct VerifyStep: Sendable, Equatable {
    public var checks: [VerifyCheck]
    public init(checks: [VerifyCheck]) { self.checks = checks }
}

/// `vector-recall`: how many of the exact k nearest neighbours a pgvector index finds, over
/// sample queries, with the session settings the application uses.
public struct VectorRecall: Sendable, Equatable {
    public var index: String
    public var k: Int
    /// How many query vectors, taken from the indexed column itself.
    public var sample: Int
    /// The lowest recall@k that passes, 0…1.
    public var minimum: Double
    /// `ivfflat.probes` for the approximate queries (pgvector's default when nil).
    public var probes: Int?
    /// `hnsw.ef_search` for the approximate queries.
    public var efSearch: Int?
    /// Each query's statement_timeout, so the check's cost stays bounded.
    public var timeout: Duration

    public init(
        index: String, k: Int = 10, sample: Int = 100, minimum: Double, probes: Int? = nil, efSearch: Int? = nil,
        timeout: Duration = .seconds(30)
    ) {
        self.index = index
        self.k = k
        self.sample = sample
        self.minimum = minimum
        self.probes = probes
        self.efSearch = efSearch
        self.timeout = timeout
    }
}

public struct VerifyCheck: Sendable, Equatable {
    public enum Comparison: String, Sendable, Equatable, CaseIterable {
        case equal = "="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case
            greaterOrEqual = ">="
    }
    public enum Expectation: Sendable, Equatable {
        /// The first column of the single row equals this text.
        case value(String)
        case rowCount(Int)
        case empty
    }
    public enum Kind: Sendable, Equatable {
        /// Nothing pending, failed or drifted in this folder.
        case migrationsUpToDate(migrations: String)
        case index(name: String, table: String?, method: IndexStep.Method?, mustBeValid: Bool)
        case noInvalidIndexes(schema: String?)
        /// `version` is a comparison such as `>= 0.5.0`.
        case extensionInstalled(name: String, version: (Comparison, String)?)
        case table(schema: String?, name: String)
        case column(table: String, name: String, type: String?)
        case setting(name: String, comparison: Comparison, value: String)
        case query(sql: String, expect: Expectation)
        case vectorRecall(VectorRecall)

        public static func == (a: Kind, b: Kind) -> Bool {
            switch (a, b) {
            case (.migrationsUpToDate(let x), .migrationsUpToDate(let y)): x == y
            case (.index(let a1, let a2, let a3, let a4), .index(let b1, let b2, let b3, let b4)):
                a1 == b1 && a2 == b2 && a3 == b3 && a4 == b4
            case (.noInvalidIndexes(let x), .noInvalidIndexes(let y)): x == y
            case (.extensionInstalled(let n1, let v1), .extensionInstalled(let n2, let v2)):
                n1 == n2 && v1?.0 == v2?.0 && v1?.1 == v2?.1
            case (.table(let s1, let n1), .table(let s2, let n2)): s1 == s2 && n1 == n2
            case (.column(let t1, let n1, let y1), .column(let t2, let n2, let y2)):
                t1 == t2 && n1 == n2 && y1 == y2
            case (.setting(let n1, let c1, let v1), .setting(let n2, let c2, let v2)):
                n1 == n2 && c1 == c2 && v1 == v2
            case (.query(let s1, let e1), .query(let s2, let e2)): s1 == s2 && e1 == e2
            case (.vectorRecall(let x), .vectorRecall(let y)): x == y
            default: false
            }
        }
    }

    public var kind: Kind
    public var location: SourceLocation
    public init(kind: Kind, location: SourceLocation) {
        self.kind = kind
        self.location = location
    }
}
