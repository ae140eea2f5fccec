/// How much a finding matters. The static rules give a default; the dry-run's live statistics
/// scale it with the size of what the statement touches.
public enum RiskSeverity: String, Sendable, Equatable, Hashable, Comparable, CaseIterable {
    case low, medium, high

    public static func < (lhs: RiskSeverity, rhs: RiskSeverity) -> Bool { lhs.rank < rhs.rank }
    private var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        }
    }
}

/// A lock a statement takes, held until its transaction ends.
public struct RelationLock: Sendable, Equatable {
    public var relation: QualifiedName
    public var mode: LockMode

    public init(_ relation: QualifiedName, _ mode: LockMode) {
        self.relation = relation
        self.mode = mode
    }
}

/// Work a statement does over a whole relation while it holds its lock: what makes a lock long.
public enum TableWork: String, Sendable, Equatable {
    /// Writes a new copy of the table and rebuilds its indexes.
    case rewrite
    /// Reads every row to check something (a constraint, NOT NULL).
    case scan
    /// Reads every row and sorts/writes an index.
    case indexBuild = "index build"
}

/// One rule's verdict on one statement, before any database is consulted.
public struct RiskFinding: Sendable, Equatable {
    public var rule: RiskRule
    public var severity: RiskSeverity
    /// The relation it is about, when there is one.
    public var relation: QualifiedName?
    /// What the statement does, in a sentence.
    public var message: String
    /// The lock it takes on `relation` (and, for a foreign key, on the referenced table).
    public var locks: [RelationLock]
    /// The whole-table work that holds the lock long, on `relation` (and `alsoScans`).
    public var work: TableWork?
    /// A foreign key also reads the referenced table.
    public var alsoScans: QualifiedName?
    /// For `changing-column-type`: the column and the type as written, so the dry-run can tell
    /// a binary-coercible change (no rewrite) from the catalog.
    public var column: String?
    public var newType: String?

    public init(
        rule: RiskRule, severity: RiskSeverity? = nil, relation: QualifiedName?, message: String, locks: [RelationLock] = [],
        work: TableWork? = nil, alsoScans: QualifiedName? = nil, column: String? = nil, newType: String? = nil
    ) {
        self.rule = rule
        self.severity = severity ?? rule.severity
        self.relation = relation
        self.message = message
        self.locks = locks
        self.work = work
        self.alsoScans = alsoScans
        self.column = column
        self.newType = newType
    }

    /// `ACCESS EXCLUSIVE on "users"; SHARE ROW EXCLUSIVE on "teams"`.
    public var lockSummary: String? {
        locks.isEmpty ? nil : locks.map { "\($0.mode.name) on \($0.relation)" }.joined(separator: "; ")
    }
}

/// What one statement does to the relations it names: its locks, and the findings of the rules.
public struct StatementRisk: Sendable, Equatable {
    public var statement: SQLStatement
    /// Every relation it locks, strongest mode per relation, in the order they appear.
    public var locks: [RelationLock]
    public var findings: [RiskFinding]
    /// Rule codes acknowledged by a `-- plan: ack <code>` comment on or above the statement.
    public var acknowledged: [String]

    public init(statement: SQLStatement, locks: [RelationLock], findings: [RiskFinding], acknowledged: [String]) {
        self.statement = statement
        self.locks = locks
        self.findings = findings
        self.acknowledged = acknowledged
    }

    /// `file:line:column` of the statement.
    public var location: String { "\(statement.file):\(statement.line):\(statement.column)" }
}
