import Runner

/// How a target's run ended, from its exit code (SPEC §4).
public enum TargetOutcome: String, Sendable, Equatable, CaseIterable {
    /// Exit 0: migrated, or nothing to do.
    case done
    /// Exit 1: a step or a check failed.
    case failed
    /// Exit 2: the plan or the command line is invalid for this target (its `set:` values).
    case invalid
    /// Exit 3: could not connect or take the lock.
    case unavailable
    /// Exit 130/143: stopped by a signal.
    case interrupted
    /// Never started: the rollout stopped first.
    case notStarted = "not-started"

    public init(exitCode: Int32?) {
        switch exitCode {
        case ExitStatus.success: self = .done
        case ExitStatus.invalidInput: self = .invalid
        case ExitStatus.unavailable: self = .unavailable
        case ExitStatus.interrupted, ExitStatus.terminated: self = .interrupted
        default: self = .failed
        }
    }

    public var succeeded: Bool { self == .done }

    /// Failures first in tables, then what did not finish, then what is done.
    var rank: Int {
        switch self {
        case .failed, .invalid, .unavailable: 0
        case .interrupted: 1
        case .notStarted: 2
        case .done: 3
        }
    }
}

/// One row of a fleet's table and one record of its run log.
public struct TargetResult: Sendable, Equatable {
    public var target: String
    public var group: String?
    public var host: String
    public var outcome: TargetOutcome
    public var exitCode: Int32?
    public var migrationsApplied: Int
    public var seconds: Double
    /// The first error, redacted, when it failed.
    public var error: String?
    /// `plan status --targets`: the migrations' states.
    public var status: TargetReport.MigrationCounts?

    public init(
        target: String, group: String?, host: String, outcome: TargetOutcome, exitCode: Int32?, migrationsApplied: Int, seconds: Double,
        error: String?, status: TargetReport.MigrationCounts? = nil
    ) {
        self.target = target
        self.group = group
        self.host = host
        self.outcome = outcome
        self.exitCode = exitCode
        self.migrationsApplied = migrationsApplied
        self.seconds = seconds
        self.error = error
        self.status = status
    }

    /// `plan status --targets`' verdict for the target.
    public var statusText: String {
        guard let status, outcome != .unavailable, outcome != .invalid else {
            return outcome == .notStarted ? "not checked" : "unknown (\(outcome.rawValue))"
        }
        if !status.hasTable { return "unmanaged (no _prisma_migrations)" }
        if status.failed > 0 { return "failed (\(status.failed) failed migration(s))" }
        if status.pending > 0 { return "pending (\(status.pending))" }
        return "up to date"
    }
}
