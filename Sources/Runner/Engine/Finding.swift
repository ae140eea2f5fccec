/// A risk a pending statement carries, found by the dry-run's risk report (or `plan check`'s
/// static rules): what lock it takes on what, whether it rewrites or scans, how big that is, who
/// would block it, and the safer form. Rendered as data, so text, JSON and Markdown agree.
public import SQL

public struct Finding: Sendable, Equatable {
    /// One severity type for the static rules (SQL) and the live report.
    public typealias Severity = RiskSeverity

    /// A stable rule name users know (squawk's or strong_migrations' where one exists), e.g.
    /// `changing-column-type`.
    public var code: String
    public var severity: Severity
    /// What and why, in a sentence or two.
    public var message: String
    /// `file:line:column` of the statement.
    public var location: String?
    /// The lock it takes and on what, e.g. `ACCESS EXCLUSIVE on public.users`.
    public var lock: String?
    /// The safer form, when one exists.
    public var safer: String?
    /// Acknowledged by the author (inline comment or step option): reported, not gating.
    public var acknowledged: Bool
    /// What the live statistics said about each relation the finding is about (dry-run only).
    public var sizes: [RelationSize] = []
    /// Sessions holding a lock the statement would wait for, right now (dry-run only).
    public var blockingPIDs: [Int32] = []

    /// A relation's size as the server reported it: estimates (`reltuples`), not counts.
    public struct RelationSize: Sendable, Equatable {
        public var relation: String
        /// `reltuples`; nil when the table was never analyzed.
        public var rows: Int64?
        /// `pg_table_size` (heap, TOAST, free-space and visibility maps).
        public var tableBytes: Int64
        /// `pg_indexes_size`.
        public var indexBytes: Int64

        public init(relation: String, rows: Int64?, tableBytes: Int64, indexBytes: Int64) {
            self.relation = relation
            self.rows = rows
            self.tableBytes = tableBytes
            self.indexBytes = indexBytes
        }
    }

    public init(
        code: String, severity: Severity, message: String, location: String? = nil, lock: String? = nil, safer: String? = nil,
        acknowledged: Bool = false
    ) {
        self.code = code
        self.severity = severity
        self.message = message
        self.location = location
        self.lock = lock
        self.safer = safer
        self.acknowledged = acknowledged
    }
}
