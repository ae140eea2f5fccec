/// How a transactional unit (of a migration or a `sql` step) waits for its locks: a short
/// `lock_timeout` on each attempt, so other sessions never queue long behind a waiting DDL, and
/// the whole unit retried with growing timeouts and jittered sleeps on a lock timeout, deadlock or
/// serialization failure, until `budget` runs out (`settings: { lock_timeout, lock_retry }`, and
/// the same keys on a `migrate` or `sql` step).
public struct LockSafety: Sendable, Equatable {
    /// The first attempt's `lock_timeout`; nil (`lock_timeout: none` or `0`) waits as long as it
    /// takes, as Prisma does, and everything that touches the table queues behind the wait.
    public var lockTimeout: Duration?
    /// The largest `lock_timeout` of a later attempt: each doubles the one before, up to this.
    /// It is the longest another session can queue behind a waiting unit.
    public var maxLockTimeout: Duration
    /// How long to keep retrying, from the unit's first attempt; zero tries once.
    public var budget: Duration

    public static let `default` = LockSafety(lockTimeout: .seconds(1), maxLockTimeout: .seconds(2), budget: .seconds(300))

    public init(lockTimeout: Duration?, maxLockTimeout: Duration, budget: Duration) {
        self.lockTimeout = lockTimeout
        self.maxLockTimeout = maxLockTimeout
        self.budget = budget
    }

    /// The `lock_timeout` of attempt `attempt` (1-based); nil for none.
    public func lockTimeout(attempt: Int) -> Duration? {
        guard let first = lockTimeout, first > .zero else { return nil }
        let cap = max(first, maxLockTimeout)
        var timeout = first
        for _ in 1..<max(1, attempt) {
            timeout = timeout * 2
            if timeout >= cap { return cap }
        }
        return min(timeout, cap)
    }

    /// The pause before attempt `attempt + 1`: 1 s growing by half each time, capped at 10 s,
    /// jittered by ±50 % so that two deploys (or a deploy and a cron job) do not retry in step.
    public func pause(after attempt: Int, jitter: Double) -> Duration {
        var base = 1.0
        for _ in 1..<max(1, attempt) { base = min(base * 1.5, 10) }
        let factor = 0.5 + min(max(jitter, 0), 1)
        return .milliseconds(Int64(base * factor * 1000))
    }

    /// For dry-runs and messages: `lock_timeout 1s, doubling up to 2s; retried for up to 5m`.
    public var summary: String {
        guard let first = lockTimeout, first > .zero else {
            return "no lock_timeout (waits for its locks as long as it takes)"
                + (budget > .zero ? "; retried on deadlock or serialization failure for up to \(Units.format(budget))" : "")
        }
        let cap = max(first, maxLockTimeout)
        let timeouts =
            cap > first ? "lock_timeout \(Units.format(first)), doubling up to \(Units.format(cap))" : "lock_timeout \(Units.format(first))"
        return timeouts + (budget > .zero ? "; retried for up to \(Units.format(budget))" : "; not retried (lock_retry budget 0)")
    }
}
