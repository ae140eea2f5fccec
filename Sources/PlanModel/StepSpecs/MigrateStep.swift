/// `migrate`: apply pending migrations from a Prisma-layout folder.
public struct MigrateStep: Sendable, Equatable {
    public enum TransactionMode: String, Sendable, Equatable, CaseIterable {
        /// One transaction per migration (Prisma's unit of history).
        case perMigration = "per-migration"
        /// Every pending transactional migration in one transaction.
        case all
    }
    public enum OnDrift: String, Sendable, Equatable, CaseIterable {
        /// Say loudly that an applied migration's file changed, and go on, as `prisma migrate deploy` does.
        case warn
        /// Stop before applying anything.
        case fail
    }
    public enum OnFailed: String, Sendable, Equatable, CaseIterable {
        /// Stop and report a failed migration, as Prisma does (P3009).
        case stop
        /// Continue a partly applied migration from its first unit that did not commit.
        case resume
    }

    /// The migrations folder; relative paths are already resolved against the plan file.
    public var migrations: String
    /// How `migrations` was chosen, for the message when it is missing or empty.
    public var migrationsChosenBy: String
    /// Stop after this migration.
    public var to: String?
    public var transaction: TransactionMode
    /// Mark every migration up to and including this one applied without running it.
    public var baseline: String?
    /// What an applied migration whose file changed (checksum drift) does to the run.
    public var onDrift: OnDrift
    /// An empty or missing migrations folder is an error unless this says it is expected.
    public var allowEmpty: Bool
    /// Read and split every pending migration before applying any, so one that cannot run
    /// stops them all (by default the ones before it apply, as with Prisma).
    public var validateFirst: Bool = false
    public var onFailed: OnFailed
    /// How its transactional units wait for locks: the plan's `lock_timeout`/`lock_retry`, or
    /// the step's own.
    public var lockSafety: LockSafety = .default
    /// Risk rule codes the author accepts for every migration of the step (`acknowledge:`): the
    /// dry-run still reports them, but they do not gate (`--fail-on-risk`).
    public var acknowledge: [String] = []

    public init(
        migrations: String, migrationsChosenBy: String = "--migrations", to: String? = nil, transaction: TransactionMode = .perMigration,
        baseline: String? = nil, onDrift: OnDrift = .warn, allowEmpty: Bool = false, onFailed: OnFailed = .stop
    ) {
        self.migrations = migrations
        self.migrationsChosenBy = migrationsChosenBy
        self.to = to
        self.transaction = transaction
        self.baseline = baseline
        self.onDrift = onDrift
        self.allowEmpty = allowEmpty
        self.onFailed = onFailed
    }
}
