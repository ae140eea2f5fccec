/// What the engine needs of a step type. Steps implement it, one type per step kind; the engine
/// knows nothing of migrations or indexes.
///
/// A step plans, then acts: `plan` reads what it needs (read-only) and returns every action it
/// will take; a dry-run shows that plan, a run performs exactly its actions, in order. There is
/// no second path for previews.
public protocol StepRunner {
    /// The step's own description of one action, consumed by `perform`.
    associatedtype Work: Sendable
    /// Read-only: what the step will do. In a run it is called holding the migration lock (when
    /// the step takes it), so what it read still holds when the actions run.
    func plan(_ context: StepContext) throws(StepFailure) -> StepPlan<Work>
    /// Performs one planned action.
    func perform(_ work: Work, _ context: StepContext) throws(StepFailure)
    /// Performs the plan's actions; a step overrides it to wrap them (durability, Ctrl-C), calling
    /// `context.performEach(plan, perform)` inside.
    func execute(_ plan: StepPlan<Work>, _ context: StepContext) throws(StepFailure)
    /// Whether the step, run first, is sure to connect: the engine then starts connecting while
    /// the step reads its files. False for steps that may run before there is a database to
    /// connect to (a plan can start its server in an `exec` step).
    var connectsToTheDatabase: Bool { get }
}

extension StepRunner {
    public func execute(_ plan: StepPlan<Work>, _ context: StepContext) throws(StepFailure) {
        try context.performEach(plan, perform)
    }
}

/// What a step runs with.
public struct StepContext {
    public let index: Int
    public let session: DatabaseSession
    public let reporter: Reporter
    public let dryRun: Bool
    /// Ctrl-C / SIGTERM: a step with a long cancellable query (an index build) registers it here.
    public let interruption: Interruption
    /// Dry-run: what the steps before this one plan to change, in order.
    public let earlierChanges: [EarlierChange]

    public init(
        index: Int, session: DatabaseSession, reporter: Reporter, dryRun: Bool, interruption: Interruption = .shared,
        earlierChanges: [EarlierChange] = []
    ) {
        self.index = index
        self.session = session
        self.reporter = reporter
        self.dryRun = dryRun
        self.interruption = interruption
        self.earlierChanges = earlierChanges
    }

    /// The connection a step plans on: read-only in a dry-run (nil when `--offline`); in a run,
    /// holding the migration lock when `locked`, so the plan's facts hold until it acts.
    public func planningConnection(locked: Bool = true) throws(StepFailure) -> PostgresConnection? {
        if dryRun { return try session.connectForPreview() }
        return locked ? try session.connectLocked() : try session.connect()
    }

    /// The first earlier step that plans to change what reading `subject` finds (dry-run only).
    public func earlierChange(to subject: Subject) -> EarlierChange? {
        earlierChanges.first { $0.subject.mayChange(subject) }
    }

    /// Performs the plan's actions in order, each announced as it starts, in the words the
    /// dry-run used.
    public func performEach<Work>(_ plan: StepPlan<Work>, _ perform: (Work, StepContext) throws(StepFailure) -> Void)
        throws(StepFailure)
    {
        for action in plan.actions {
            reporter.emit(.action(index: index, action.report, dryRun: false))
            try perform(action.work, self)
        }
    }

    public func say(_ level: Message.Level = .info, _ text: String, sql: String? = nil, location: String? = nil) {
        reporter.say(index, level, text, sql: sql, location: location)
    }

    /// A risk found in what the step would run (the dry-run's risk report).
    public func report(_ findings: [Finding]) {
        for finding in findings { reporter.emit(.finding(index: index, finding)) }
    }

    /// A migration was applied and recorded: the event machines count (`migration_applied`).
    public func applied(migration name: String) {
        reporter.emit(.migrationApplied(index: index, name: name))
    }
}

/// A step failed. The message says what, where and what to do next; the exit code follows SPEC §4.
public struct StepFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var location: String?
    public var exitCode: Int32
    /// The server's error, when there was one (for JSON output and retries).
    public var postgres: PostgresError?

    public init(_ message: String, location: String? = nil, exitCode: Int32 = ExitStatus.failed, postgres: PostgresError? = nil) {
        self.message = message
        self.location = location
        self.exitCode = exitCode
        self.postgres = postgres
    }

    public init(_ error: PostgresError, doing what: String, location: String? = nil) {
        let exit = error.kind == .connection ? ExitStatus.unavailable : ExitStatus.failed
        self.init("\(what): \(error.description)", location: location, exitCode: exit, postgres: error)
    }

    public var description: String { location.map { "\($0): \(message)" } ?? message }
}

/// A change an earlier step of a dry-run plans to make.
public struct EarlierChange: Sendable, Equatable {
    public var step: Int
    public var name: String
    public var subject: Subject

    public init(step: Int, name: String, subject: Subject) {
        self.step = step
        self.name = name
        self.subject = subject
    }

    /// e.g. "step 2 (migrate) changes the schema first".
    public var said: String { "step \(step) (\(name)) changes \(subject) first" }
}
