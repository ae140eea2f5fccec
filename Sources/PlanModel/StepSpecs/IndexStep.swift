/// `index-concurrently`: build one index outside any transaction, with preflight and recovery.
public struct IndexStep: Sendable, Equatable {
    public enum Method: String, Sendable, Equatable, CaseIterable {
        case btree, hash, gin, gist, brin, ivfflat, hnsw
        /// Methods that pgvector provides.
        public var isVector: Bool { self == .ivfflat || self == .hnsw }
    }
    public enum OnInvalid: String, Sendable, Equatable, CaseIterable { case rebuild, fail }
    public enum OnConflict: String, Sendable, Equatable, CaseIterable { case fail, replace }

    /// `replace:`: when the existing index differs, build the wanted one under a temporary name
    /// beside it, and swap the names only if the gate passes, so the name never points at no
    /// index (`on_conflict: replace` drops first and leaves a window without one).
    public struct Replacement: Sendable, Equatable {
        public enum Gate: Sendable, Equatable {
            /// Swap once the new index is built and valid.
            case always
            /// Swap only if the new index's recall@k meets the threshold; `index` is the step's
            /// name (the run measures the temporary one).
            case recall(VectorRecall)
        }
        public enum When: String, Sendable, Equatable, CaseIterable { case recall, always }
        public var gate: Gate
        /// How the rename transaction waits for its locks (the plan's `lock_timeout`/`lock_retry`
        /// unless the mapping sets its own).
        public var lockSafety: LockSafety

        public init(gate: Gate, lockSafety: LockSafety = .default) {
            self.gate = gate
            self.lockSafety = lockSafety
        }
    }

    public struct Key: Sendable, Equatable {
        public enum Target: Sendable, Equatable {
            case column(String)
            /// An expression the plan author wrote, e.g. `lower(email)`.
            case expression(String)
        }
        public enum Order: String, Sendable, Equatable, CaseIterable { case asc, desc }
        public enum Nulls: String, Sendable, Equatable, CaseIterable { case first, last }

        public var target: Target
        public var opclass: String?
        public var order: Order?
        public var nulls: Nulls?

        public init(target: Target, opclass: String? = nil, order: Order? = nil, nulls: Nulls? = nil) {
            self.target = target
            self.opclass = opclass
            self.order = order
            self.nulls = nulls
        }
    }

    /// A storage parameter (`WITH (lists = 100)`): a number, bool or word, never raw SQL.
    public struct StorageParameter: Sendable, Equatable {
        public enum Value: Sendable, Equatable {
            case int(Int)
            case bool(Bool)
            case word(String)
        }
        public var name: String
        public var value: Value
        public init(name: String, value: Value) {
            self.name = name
            self.value = value
        }
    }

    public var name: String
    public var schema: String?
    public var table: String
    public var method: Method
    public var keys: [Key]
    public var storage: [StorageParameter]
    public var include: [String]
    /// A partial index predicate as the author wrote it.
    public var predicate: String?
    public var unique: Bool
    /// The budget the IVFFlat preflight checks against; the server's setting when nil.
    public var maintenanceWorkMem: ByteSize?
    public var parallelWorkers: Int?
    /// The build's own lock timeout (none by default; the plan-wide one does not apply).
    public var lockTimeout: Duration?
    public var onInvalid: OnInvalid
    public var onConflict: OnConflict
    /// A gated swap instead of drop-and-rebuild when the existing index differs.
    public var replace: Replacement?
    /// Build IVFFlat even when the table has too few rows for its lists (refused by default:
    /// the centres would come from too little data and recall stays poor until a rebuild).
    public var allowLittleData: Bool
    /// Mark this migration applied after the build.
    public var recordAs: String?
    public var migrations: String

    public init(
        name: String, schema: String? = nil, table: String, method: Method = .btree,
        keys: [Key], storage: [StorageParameter] = [], include: [String] = [],
        predicate: String? = nil, unique: Bool = false, maintenanceWorkMem: ByteSize? = nil,
        parallelWorkers: Int? = nil, lockTimeout: Duration? = nil, onInvalid: OnInvalid = .rebuild,
        onConflict: OnConflict = .fail, replace: Replacement? = nil, allowLittleData: Bool = false, recordAs: String? = nil,
        migrations: String = "prisma/migrations"
    ) {
        self.name = name
        self.schema = schema
        self.table = table
        self.method = method
        self.keys = keys
        self.storage = storage
        self.include = include
        self.predicate = predicate
        self.unique = unique
        self.maintenanceWorkMem = maintenanceWorkMem
        self.parallelWorkers = parallelWorkers
        self.lockTimeout = lockTimeout
        self.onInvalid = onInvalid
        self.onConflict = onConflict
        self.replace = replace
        self.allowLittleData = allowLittleData
        self.recordAs = recordAs
        self.migrations = migrations
    }
}
