/// `migrate`: apply pending migrations from a Prisma-layout folder.
public struct MigrateStep: Sendable, Equatable {
    public enum TransactionMode: String, Sendable, Equatable, CaseIterable {
        /// One transaction per migration (Prisma's unit of history).
        case perMigration = "per-migration"
        /// Every pending transactional migration in one transaction.
        case all
    }
    public enum OnFailed: String, Sendable, Equatable, CaseIterable {
        /// Stop and report a failed migration, as Prisma does (P3009).
        case stop
        /// Continue a partly applied migration from its first unit that did not commit.
        case resume
    }

    /// The migrations folder; relative paths are already resolved against the plan file.
    public var migrations: String
    /// Stop after this migration.
    public var to: String?
    public var transaction: TransactionMode
    /// Mark every migration up to and including this one applied without running it.
    public var baseline: String?
    public var allowDrift: Bool
    public var onFailed: OnFailed

    public init(
        migrations: String, to: String? = nil, transaction: TransactionMode = .perMigration,
        baseline: String? = nil, allowDrift: Bool = false, onFailed: OnFailed = .stop
    ) {
        self.migrations = migrations
        self.to = to
        self.transaction = transaction
        self.baseline = baseline
        self.allowDrift = allowDrift
        self.onFailed = onFailed
    }
}
