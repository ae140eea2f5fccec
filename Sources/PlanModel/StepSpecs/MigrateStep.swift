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

// MARK: - Decoding

extension FileContext {
    func migrateStep(_ node: YAMLNode) -> MigrateStep? {
        let keys = [
            "migrations", "to", "transaction", "baseline", "on_drift", "allow_drift", "allow_empty", "validate_first", "on_failed",
            "lock_timeout", "lock_retry", "acknowledge",
        ]
        guard let mapping = MappingReader(node, "'migrate'", known: keys, context: self),
            let migrations = migrationsFolder(mapping)
        else { return nil }
        var step = MigrateStep(migrations: migrations, migrationsChosenBy: migrationsOrigin(mapping))
        var valid = true
        func read<T>(_ key: String, _ reader: (YAMLNode, String) -> T?, _ apply: (T) -> Void) {
            guard let value = mapping[key] else { return }
            if let decoded = reader(value, "'\(key)'") { apply(decoded) } else { valid = false }
        }
        read("to", migrationName) { step.to = $0 }
        read("transaction", { choice($0, $1, as: MigrateStep.TransactionMode.self) }) { step.transaction = $0 }
        read("baseline", migrationName) { step.baseline = $0 }
        read("on_drift", { choice($0, $1, as: MigrateStep.OnDrift.self) }) { step.onDrift = $0 }
        read("allow_empty", bool) { step.allowEmpty = $0 }
        read("validate_first", bool) { step.validateFirst = $0 }
        if let node = mapping["allow_drift"], let allow = bool(node, "'allow_drift'") {
            // Drift warns by default now, as in Prisma's deploy; the old key still says which.
            report(.deprecatedKey("allow_drift", replacement: "on_drift: \(allow ? "warn" : "fail")"), at: node.location)
            if mapping["on_drift"] == nil { step.onDrift = allow ? .warn : .fail }
        }
        read("on_failed", { choice($0, $1, as: MigrateStep.OnFailed.self) }) { step.onFailed = $0 }
        read("acknowledge", riskCodes) { step.acknowledge = $0 }
        step.lockSafety = session.settings.lockSafety
        if !applyLockSafety(mapping, to: &step.lockSafety) { valid = false }
        return valid ? step : nil
    }
}

// MARK: - Rendering (plan show)

extension PlanRenderer {
    func render(_ step: MigrateStep, into entries: inout RenderedEntries) {
        let plan = entries.plan
        entries.add("migrations", entries.text(step.migrations))
        entries.add("to", step.to.map(entries.text))
        entries.add("transaction", .string(step.transaction.rawValue))
        entries.add("baseline", step.baseline.map(entries.text))
        entries.add("on_drift", .string(step.onDrift.rawValue))
        entries.add("allow_empty", .bool(step.allowEmpty))
        entries.add("validate_first", .bool(step.validateFirst))
        entries.add("on_failed", .string(step.onFailed.rawValue))
        if step.lockSafety != plan.settings.lockSafety {
            for entry in Self.lockSafety(step.lockSafety) { entries.add(entry.key, entry.value) }
        }
    }
}

// MARK: - Schema

extension PlanSchema {
    /// This step's part of `plan schema` (and docs/PLAN-FILE.md).
    static func schema(of _: MigrateStep.Type, _ shared: SharedParts) -> RenderNode {
        let migrationName = shared.migrationName
        let migrations = shared.migrations
        let riskCodes = shared.riskCodes
        let migrate = anyOf(
            type("null"),
            object([
                ("migrations", migrations),
                ("to", doc("Stop after this migration.", migrationName)),
                (
                    "transaction",
                    doc(
                        "per-migration: one transaction per migration, as Prisma; all: every pending transactional migration in one transaction.",
                        choice(MigrateStep.TransactionMode.allCases.map(\.rawValue)), default: .string("per-migration"))
                ),
                (
                    "baseline",
                    doc("For a non-empty database: mark every migration up to this one applied without running it.", migrationName)
                ),
                (
                    "on_drift",
                    doc(
                        "An applied migration whose file changed: warn and go on (as prisma migrate deploy), or fail before applying anything.",
                        choice(MigrateStep.OnDrift.allCases.map(\.rawValue)), default: .string("warn"))
                ),
                ("allow_empty", doc("A missing or empty migrations folder is expected, not an error.", ref("bool"), default: .bool(false))),
                (
                    "validate_first",
                    doc(
                        "Read and split every pending migration before applying any, so one that cannot run stops them all.", ref("bool"),
                        default: .bool(false))
                ),
                ("allow_drift", doc("Deprecated: drift warns by default; write on_drift.", ref("bool"))),
                (
                    "on_failed",
                    doc(
                        "A migration that failed earlier: stop (Prisma's P3009), or resume from its first unit that did not commit.",
                        choice(MigrateStep.OnFailed.allCases.map(\.rawValue)), default: .string("stop"))
                ),
                ("lock_timeout", ref("lock_timeout")), ("lock_retry", ref("lock_retry")), ("acknowledge", riskCodes),
            ]))
        return step(
            "migrate", migrate, description: "Apply pending migrations from a Prisma-layout folder.",
            example: .map([.init("migrate", .map([.init("on_drift", .string("fail"))]))]))
    }
}
