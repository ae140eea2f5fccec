/// PostgreSQL's table-level lock modes, weakest first, with the conflict table of
/// https://www.postgresql.org/docs/current/explicit-locking.html (Table 13.2).
public enum LockMode: Int, Sendable, Equatable, Hashable, Comparable, CaseIterable {
    case accessShare = 1
    case rowShare
    case rowExclusive
    case shareUpdateExclusive
    case share
    case shareRowExclusive
    case exclusive
    case accessExclusive

    public static func < (lhs: LockMode, rhs: LockMode) -> Bool { lhs.rawValue < rhs.rawValue }

    /// As the documentation writes it, e.g. `ACCESS EXCLUSIVE`.
    public var name: String {
        switch self {
        case .accessShare: "ACCESS SHARE"
        case .rowShare: "ROW SHARE"
        case .rowExclusive: "ROW EXCLUSIVE"
        case .shareUpdateExclusive: "SHARE UPDATE EXCLUSIVE"
        case .share: "SHARE"
        case .shareRowExclusive: "SHARE ROW EXCLUSIVE"
        case .exclusive: "EXCLUSIVE"
        case .accessExclusive: "ACCESS EXCLUSIVE"
        }
    }

    /// As `pg_locks.mode` spells it, e.g. `AccessExclusiveLock`.
    public var catalogName: String {
        switch self {
        case .accessShare: "AccessShareLock"
        case .rowShare: "RowShareLock"
        case .rowExclusive: "RowExclusiveLock"
        case .shareUpdateExclusive: "ShareUpdateExclusiveLock"
        case .share: "ShareLock"
        case .shareRowExclusive: "ShareRowExclusiveLock"
        case .exclusive: "ExclusiveLock"
        case .accessExclusive: "AccessExclusiveLock"
        }
    }

    /// The modes a session holding one of them makes this one wait for.
    public var conflictingModes: [LockMode] {
        switch self {
        case .accessShare: [.accessExclusive]
        case .rowShare: [.exclusive, .accessExclusive]
        case .rowExclusive: [.share, .shareRowExclusive, .exclusive, .accessExclusive]
        case .shareUpdateExclusive: [.shareUpdateExclusive, .share, .shareRowExclusive, .exclusive, .accessExclusive]
        case .share: [.rowExclusive, .shareUpdateExclusive, .shareRowExclusive, .exclusive, .accessExclusive]
        case .shareRowExclusive: [.rowExclusive, .shareUpdateExclusive, .share, .shareRowExclusive, .exclusive, .accessExclusive]
        case .exclusive: [.rowShare, .rowExclusive, .shareUpdateExclusive, .share, .shareRowExclusive, .exclusive, .accessExclusive]
        case .accessExclusive: LockMode.allCases
        }
    }

    public func conflicts(with other: LockMode) -> Bool { conflictingModes.contains(other) }

    /// What the lock keeps others from doing while it is held.
    public var blocks: String {
        switch self {
        case .accessExclusive: "blocks reads and writes"
        case .exclusive: "blocks writes and SELECT … FOR UPDATE/SHARE"
        case .share, .shareRowExclusive: "blocks writes"
        case .shareUpdateExclusive: "blocks other schema changes and VACUUM, not reads or writes"
        case .rowExclusive, .rowShare, .accessShare: "blocks only schema changes"
        }
    }
}
