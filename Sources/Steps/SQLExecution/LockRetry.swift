import Dispatch
import PlanModel
import Runner
import SQL
import Synchronization

/// Runs a transactional unit the lock-safe way (SPEC §5): each attempt with a short
/// `lock_timeout`, so the sessions that queue behind its lock request wait at most that long,
/// and the whole unit again, after a jittered pause, when it hit a lock timeout, a deadlock or a
/// serialization failure — all of which roll its transaction back whole — until the step's
/// `lock_retry.budget` runs out. While an attempt waits, a second connection says who it waits
/// for, once per attempt.
struct LockRetry {
    let safety: LockSafety
    let connection: PostgresConnection
    let context: StepContext
    /// What messages call the unit: `migration 20240101_add_note`, `unit 2 of 3 of the sql step`.
    let what: String

    /// How a run of attempts ended in a transient error it could not get past.
    struct GaveUp {
        var attempts: Int
        var elapsed: Duration
        /// Who the last attempt that saw a wait waited for, as the warnings said it.
        var blockers: String?

        /// `after 4 attempt(s) in 9.8s; it waited for pid 42 (…)`.
        var summary: String {
            "after \(attempts) attempt(s) in \(Units.fixed(Units.seconds(of: elapsed), fractionDigits: 1))s"
                + (blockers.map { "; it waited for \($0)" } ?? "")
        }
    }

    /// Lock timeout (55P03), deadlock (40P01), serialization failure (40001): the server rolled
    /// the transaction back whole, and the same transaction may well succeed a moment later.
    static func isTransient(_ error: PostgresError) -> Bool {
        guard let state = error.sqlState else { return false }
        return ["55P03", "40P01", "40001"].contains(state)
    }

    /// Whether a unit can be retried whole: a transaction of the runner's, or the author's own
    /// block when it is one BEGIN … COMMIT (a block with a COMMIT in the middle may have
    /// committed its first part). A statement alone in autocommit is never given the short
    /// lock_timeout: its waits (a concurrent build's, for older snapshots) hold no queue up.
    static func isRetryable(_ unit: SQLUnit) -> Bool {
        switch unit {
        case .transaction: return true
        case .autocommit: return false
        case .authorBlock(let statements):
            // Where blocks open or close (savepoints and SET TRANSACTION stay inside one).
            let boundaries = statements.indices.filter {
                if case .transactionControl(let control) = statements[$0].kind { return !control.mayRunInTransactionBlock }
                return false
            }
            return boundaries == [0, statements.count - 1] && statements[0].kind == .transactionControl(.begin)
                && statements[statements.count - 1].kind == .transactionControl(.commit)
        }
    }

    /// For dry-runs: how `unit` would wait for its locks.
    static func preview(_ unit: SQLUnit, _ safety: LockSafety) -> String {
        isRetryable(unit) ? safety.summary : "no lock_timeout (a statement run alone is not given one)"
    }

    /// Runs `attempt` (given that attempt's lock_timeout, nil for none) until it succeeds, fails
    /// otherwise, or the budget runs out. Returns the last failure (nil on success) and, when it
    /// was a transient one that rolled back whole, how the attempts went.
    func run<Failure>(
        retryable: Bool = true, error: (Failure) -> PostgresError, _ attempt: (Duration?) -> Failure?
    ) -> (failure: Failure?, gaveUp: GaveUp?) {
        let clock = ContinuousClock()
        let start = clock.now
        var number = 1
        var blockers: String?
        while true {
            let timeout = retryable ? safety.lockTimeout(attempt: number) : nil
            let monitor = LockWaitMonitor(
                target: connection.target, redactor: connection.redactor, waiterPID: connection.backendPID,
                report: { [reporter = context.reporter, index = context.index, what, number] seen in
                    let limit = timeout.map { "lock_timeout \(Units.format($0))" } ?? "no lock_timeout"
                    reporter.say(index, .warning, "\(what) waits for a lock (attempt \(number), \(limit)): blocked by \(seen)")
                })
            monitor.start()
            let failure = attempt(timeout)
            if let seen = monitor.stop() { blockers = seen }
            guard let failure else {
                if number > 1 { context.say(.info, "\(what) got its locks on attempt \(number)") }
                return (nil, nil)
            }
            let postgres = error(failure)
            guard retryable, Self.isTransient(postgres) else { return (failure, nil) }
            let elapsed = clock.now - start
            let pause = safety.pause(after: number, jitter: Double.random(in: 0...1))
            guard connection.isConnected, elapsed + pause < safety.budget, context.interruption.receivedSignal == nil else {
                return (failure, GaveUp(attempts: number, elapsed: elapsed, blockers: blockers))
            }
            let next = safety.lockTimeout(attempt: number + 1).map { "lock_timeout \(Units.format($0))" } ?? "no lock_timeout"
            context.say(
                .warning,
                "\(what): \(postgres.message) (attempt \(number)); its transaction rolled back whole, nothing of it applied. "
                    + "Retrying in \(Units.fixed(Units.seconds(of: pause), fractionDigits: 1))s with \(next) "
                    + "(lock_retry budget \(Units.format(safety.budget)), \(Units.fixed(Units.seconds(of: elapsed), fractionDigits: 1))s used)"
            )
            if !sleep(pause) { return (failure, GaveUp(attempts: number, elapsed: clock.now - start, blockers: blockers)) }
            number += 1
        }
    }

    /// Sleeps in short slices; false when Ctrl-C / SIGTERM arrived meanwhile.
    private func sleep(_ pause: Duration) -> Bool {
        let clock = ContinuousClock()
        let end = clock.now + pause
        while clock.now < end {
            if context.interruption.receivedSignal != nil { return false }
            blockingSleep(for: min(.milliseconds(100), end - clock.now))
        }
        return context.interruption.receivedSignal == nil
    }
}

/// Watches one attempt from a second connection and says, once, who it waits for: the sessions
/// `pg_blocking_pids` names, with their application_name, state, how long their transaction has
/// been open and the start of their query. It connects only after a first pause, so an attempt
/// that gets its locks at once costs no connection; it is a courtesy, and the attempt goes on
/// without it if it cannot connect.
final class LockWaitMonitor: Sendable {
    private let target: ConnectionTarget
    private let redactor: Redactor
    private let waiterPID: Int
    private let report: @Sendable (String) -> Void
    private let state = Mutex(State())
    /// Signalled when the watching thread has let go of its connection.
    private let finished = DispatchSemaphore(value: 0)
    /// Signalled by `stop`, so a pause ends at once: an attempt that got its locks must not wait
    /// for the watcher to wake (a sliced sleep cost ~20 ms per migration).
    private let wake = DispatchSemaphore(value: 0)

    private struct State {
        var stopped = false
        var seen: String?
    }

    static let firstPause = Duration.milliseconds(250)
    static let interval = Duration.milliseconds(200)

    init(target: ConnectionTarget, redactor: Redactor, waiterPID: Int, report: @escaping @Sendable (String) -> Void) {
        self.target = target
        self.redactor = redactor
        self.waiterPID = waiterPID
        self.report = report
    }

    func start() {
        DispatchQueue(label: "plan.lock-watch").async { [self] in
            poll()
            finished.signal()
        }
    }

    /// Stops watching, waits for the thread to let go of its connection, and returns who the
    /// attempt waited for, if it saw anyone.
    func stop() -> String? {
        state.withLock { $0.stopped = true }
        wake.signal()
        finished.wait()
        return state.withLock { $0.seen }
    }

    /// Sleeps `duration`, or until `stop`; false once stopped.
    private func pause(_ duration: Duration) -> Bool {
        if state.withLock({ $0.stopped }) { return false }
        let (seconds, attoseconds) = duration.components
        _ = wake.wait(timeout: .now() + .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)))
        return !state.withLock { $0.stopped }
    }

    private func poll() {
        guard pause(Self.firstPause),
            let connection = try? PostgresConnection(
                target: target, applicationName: "plan/\(PlanVersion.current) lock watch", redactor: redactor)
        else { return }
        repeat {
            guard let rows = try? connection.query(Self.query, [String(waiterPID)]).rows else { return }
            if !rows.isEmpty {
                let text = rows.map(Self.describe).joined(separator: "; ")
                let first = state.withLock { state -> Bool in
                    guard !state.stopped, state.seen == nil else { return false }
                    state.seen = text
                    return true
                }
                if first { report(text) }
                return
            }
        } while pause(Self.interval)
    }

    /// The sessions the waiter waits for (those holding a conflicting lock, and those queued
    /// ahead of it for one).
    static let query = """
        SELECT a.pid, coalesce(a.application_name, ''), coalesce(a.state, ''),
          coalesce(to_char(extract(epoch FROM clock_timestamp() - a.xact_start), 'FM9999990.0'), ''),
          left(regexp_replace(coalesce(a.query, ''), '\\s+', ' ', 'g'), 80)
        FROM unnest(pg_blocking_pids($1::int)) AS b(pid) JOIN pg_stat_activity a ON a.pid = b.pid
        ORDER BY a.xact_start NULLS LAST, a.pid
        """

    /// `pid 42 (application_name 'psql', idle in transaction, transaction open 12.3s, query: SELECT …)`.
    static func describe(_ row: [String?]) -> String {
        var parts: [String] = []
        parts.append("application_name '\(row[1] ?? "")'")
        if let state = row[2], !state.isEmpty { parts.append(state) }
        if let open = row[3], !open.isEmpty { parts.append("transaction open \(open)s") }
        if let query = row[4], !query.isEmpty { parts.append("query: \(query)") }
        return "pid \(row[0] ?? "?") (" + parts.joined(separator: ", ") + ")"
    }
}
