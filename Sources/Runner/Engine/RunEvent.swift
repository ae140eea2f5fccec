/// Everything a run reports, as data. Text, JSON lines and the Markdown summary are renderings
/// of the same stream, so they can never disagree.
public enum RunEvent: Sendable, Equatable {
    case runStarted(plan: String, file: String?, dryRun: Bool, target: RunTarget)
    case stepStarted(index: Int, name: String, kind: String)
    case message(index: Int?, Message)
    /// An action of a step's plan: in a dry-run, what would be done; in a run, what starts now.
    case action(index: Int, ActionReport, dryRun: Bool)
    case progress(index: Int, Progress)
    case stepFinished(index: Int, name: String, kind: String, outcome: StepOutcome, seconds: Double)
    case runFinished(RunSummary)
    /// `plan status`: the migrations by state, as data (JSON's `migration_status` event).
    case migrationStatus(MigrationStatusReport)
    /// A risk found in what a step would run (the dry-run's risk report).
    case finding(index: Int?, Finding)
    /// A migration was applied and recorded (JSON's `migration_applied`; text and Markdown show
    /// the step's message instead): what a fleet counts per target.
    case migrationApplied(index: Int, name: String)
}

/// What `plan status` found, for machines: each migration named once per state it is in.
public struct MigrationStatusReport: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var name: String
        /// `finished_at` of an applied migration (as the server prints it), `started_at` of a failed one.
        public var at: String?
        /// For a failed one: how many of its units committed.
        public var appliedSteps: Int?

        public init(name: String, at: String? = nil, appliedSteps: Int? = nil) {
            self.name = name
            self.at = at
            self.appliedSteps = appliedSteps
        }
    }

    public var folder: String
    public var hasTable: Bool
    public var applied: [Entry]
    public var pending: [Entry]
    public var failed: [Entry]
    /// Applied, and the file changed since (checksum drift).
    public var drifted: [Entry]
    /// Applied, and no longer in the folder.
    public var missing: [Entry]

    public init(
        folder: String, hasTable: Bool, applied: [Entry], pending: [Entry], failed: [Entry], drifted: [Entry], missing: [Entry]
    ) {
        self.folder = folder
        self.hasTable = hasTable
        self.applied = applied
        self.pending = pending
        self.failed = failed
        self.drifted = drifted
        self.missing = missing
    }

    /// As `prisma migrate status` decides: nothing pending or failed, and managed.
    public var isUpToDate: Bool { hasTable && pending.isEmpty && failed.isEmpty }
}

/// The database a run acts on, shown before anything happens: host, port, database and user
/// (never the password), and how the URL was chosen.
public struct RunTarget: Sendable, Equatable {
    public var endpoint: ConnectionEndpoint?
    public var source: String
    /// The plan's environment chosen with `--env`, if any.
    public var environment: String?

    public init(endpoint: ConnectionEndpoint?, source: String, environment: String? = nil) {
        self.endpoint = endpoint
        self.source = source
        self.environment = environment
    }

    /// nil endpoint: no database (offline), or a connection string libpq cannot parse.
    public var summary: String { endpoint.map { $0.summary + ", from " + source } ?? source }
}

/// A line of a step's report: what it found, what it would run, what went wrong.
public struct Message: Sendable, Equatable {
    public enum Level: String, Sendable, Equatable { case info, warning, error }
    public var level: Level
    public var text: String
    /// SQL shown with the message (dry-run previews), if any.
    public var sql: String?
    /// Where in a plan or SQL file this is about, e.g. `prisma/migrations/x/migration.sql:12:1`.
    public var location: String?

    public init(_ level: Level = .info, _ text: String, sql: String? = nil, location: String? = nil) {
        self.level = level
        self.text = text
        self.sql = sql
        self.location = location
    }
}

/// Progress of a long server-side operation (an index build).
public struct Progress: Sendable, Equatable {
    public var phase: String
    /// 0…100 when the phase has a known size.
    public var percent: Double?
    public var detail: String?

    public init(phase: String, percent: Double? = nil, detail: String? = nil) {
        self.phase = phase
        self.percent = percent
        self.detail = detail
    }
}

/// How a step ended.
public enum StepOutcome: String, Sendable, Equatable {
    /// It changed something.
    case done
    /// Nothing to do: already so, or its `if:` was false.
    case skipped
    case failed
    /// Dry-run: it would run (and is not known to fail).
    case wouldRun = "would-run"
    /// Dry-run: it certainly would fail.
    case wouldFail = "would-fail"
}

public struct RunSummary: Sendable, Equatable {
    public var plan: String
    public var dryRun: Bool
    public var done: Int
    public var skipped: Int
    public var failed: Int
    public var wouldRun: Int
    public var wouldFail: Int
    public var seconds: Double
    public var exitCode: Int32

    public init(
        plan: String, dryRun: Bool, done: Int = 0, skipped: Int = 0, failed: Int = 0, wouldRun: Int = 0,
        wouldFail: Int = 0, seconds: Double = 0, exitCode: Int32 = 0
    ) {
        self.plan = plan
        self.dryRun = dryRun
        self.done = done
        self.skipped = skipped
        self.failed = failed
        self.wouldRun = wouldRun
        self.wouldFail = wouldFail
        self.seconds = seconds
        self.exitCode = exitCode
    }
}
