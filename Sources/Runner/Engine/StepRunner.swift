/// What the engine needs of a step type. Steps implement it, one type per step kind; the engine
/// knows nothing of migrations or indexes.
public protocol StepRunner {
    /// Read-only: what the step would do, reported as messages. Used by `--dry-run`. Returns
    /// `.wouldRun`, `.skipped` (nothing to do) or `.wouldFail` (certain to fail).
    func preview(_ context: StepContext) throws(StepFailure) -> StepOutcome
    /// Does the work. Returns `.done` or `.skipped`; throws on failure.
    func execute(_ context: StepContext) throws(StepFailure) -> StepOutcome
    /// Whether the step, run first, is sure to connect: the engine then starts connecting while
    /// the step reads its files. False for steps that may run before there is a database to
    /// connect to (a plan can start its server in an `exec` step).
    var connectsToTheDatabase: Bool { get }
}

/// What a step runs with.
public struct StepContext {
    public let index: Int
    public let session: DatabaseSession
    public let reporter: Reporter
    public let dryRun: Bool
    /// Ctrl-C / SIGTERM: a step with a long cancellable query (an index build) registers it here.
    public let interruption: Interruption

    public init(index: Int, session: DatabaseSession, reporter: Reporter, dryRun: Bool, interruption: Interruption = .shared) {
        self.index = index
        self.session = session
        self.reporter = reporter
        self.dryRun = dryRun
        self.interruption = interruption
    }

    public func say(_ level: Message.Level = .info, _ text: String, sql: String? = nil, location: String? = nil) {
        reporter.say(index, level, text, sql: sql, location: location)
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
