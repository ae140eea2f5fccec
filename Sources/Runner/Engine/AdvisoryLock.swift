/// Who holds the migration lock, as far as pg_locks and pg_stat_activity tell.
public struct LockHolder: Sendable, Equatable, CustomStringConvertible {
    public var pid: Int
    public var applicationName: String
    public var connectedSince: String
    public var state: String

    public var description: String {
        let application = applicationName.isEmpty ? "an unnamed client" : applicationName
        return "pid \(pid) (\(application), connected since \(connectedSince), \(state))"
    }
}

/// The session advisory lock 72707369, Prisma's key, so plan and Prisma exclude each other.
///
/// Taken by polling `pg_try_advisory_lock` from a connection that is idle between polls: a
/// blocking `pg_advisory_lock` would hold a snapshot while it waits, and the lock holder's
/// `CREATE INDEX CONCURRENTLY` waits for every such snapshot — a deadlock Flyway and
/// golang-migrate users have met.
public enum AdvisoryLock {
    public static let prismaKey: Int64 = 72_707_369

    /// One attempt: a query whose single value is `t` when the lock was taken.
    public static let attempt = "SELECT pg_try_advisory_lock(\(prismaKey))"

    public enum Failure: Error, Sendable, Equatable {
        case timedOut(after: Duration, holder: LockHolder?)
        case database(PostgresError)
    }

    /// Takes the lock or throws `.timedOut` after `timeout`. `waiting` is called when the lock
    /// is first found taken and whenever its holder changes.
    public static func acquire(
        on connection: PostgresConnection, timeout: Duration, waiting: (LockHolder?) -> Void
    ) throws(Failure) {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var lastHolder: LockHolder??
        var pause = Duration.milliseconds(20)
        while true {
            let taken: Bool
            do {
                taken = try connection.execute(attempt).scalar == "t"
            } catch { throw .database(error) }
            if taken { return }
            let holder = try? currentHolder(on: connection)
            if lastHolder == nil || lastHolder! != holder {
                waiting(holder)
                lastHolder = .some(holder)
            }
            if clock.now >= deadline { throw .timedOut(after: timeout, holder: holder) }
            blockingSleep(for: pause)
            pause = min(pause * 2, .milliseconds(250))
        }
    }

    /// Releases the lock explicitly rather than leaving it to the session's end (a pooler or a
    /// lingering connection would otherwise keep it, as Prisma users on RDS have seen). It waits
    /// for the server's reply: when plan exits, the lock is free, and a deploy started right
    /// after does not find it held.
    public static func release(on connection: PostgresConnection) {
        _ = try? connection.execute("SELECT pg_advisory_unlock(\(prismaKey))")
    }

    public static func currentHolder(on connection: PostgresConnection) throws(PostgresError) -> LockHolder? {
        let result = try connection.execute(
            """
            SELECT a.pid, coalesce(a.application_name, ''), to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ'),
                   coalesce(a.state, 'unknown')
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND l.classid = 0 AND l.objid = \(prismaKey) AND l.objsubid = 1
            LIMIT 1
            """)
        guard let row = result.rows.first else { return nil }
        return LockHolder(
            pid: Int(row[0] ?? "") ?? 0, applicationName: row[1] ?? "", connectedSince: row[2] ?? "", state: row[3] ?? "")
    }
}
