import SQL

/// The run's connection: opened on first use (a plan of `exec` and `generate` steps never
/// connects), read-only for dry-runs, holding the advisory lock for writing runs, and released
/// explicitly at the end.
public final class DatabaseSession {
    public let target: ConnectionTarget
    public let readOnly: Bool
    public let lockTimeout: Duration
    /// False when PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK says so, as Prisma honours it (for
    /// databases or poolers where session advisory locks cannot work).
    public let takesMigrationLock: Bool
    /// Creates the URL's database when it does not exist, as `prisma migrate deploy` does
    /// (`ensureDatabaseExists`); a dry-run session plans against template1 instead.
    public let createsMissingDatabase: Bool
    /// A dry-run asked to use no database (`--offline`): previews say what they would check.
    public let offline: Bool
    public let reporter: Reporter
    private var connection: PostgresConnection?
    private var connectionError: PostgresError?
    private var inAdvance: ConnectionInAdvance?
    public private(set) var holdsLock = false
    private var saidLockIsDisabled = false
    /// Cancels whatever the session's connection is running, from any thread.
    public let cancellation = SessionCancellation()

    /// Session settings from the plan (`lock_timeout`, `statement_timeout`), set on connect.
    public let settings: [(name: String, value: String)]

    public init(
        target: ConnectionTarget, readOnly: Bool, lockTimeout: Duration, reporter: Reporter,
        settings: [(name: String, value: String)] = [], takesMigrationLock: Bool = true, createsMissingDatabase: Bool = false,
        offline: Bool = false
    ) {
        self.offline = offline
        self.createsMissingDatabase = createsMissingDatabase
        self.settings = settings
        self.takesMigrationLock = takesMigrationLock
        self.target = target
        self.readOnly = readOnly
        self.lockTimeout = lockTimeout
        self.reporter = reporter
        for secret in target.secrets { reporter.redact(secret) }
    }

    /// Starts opening the connection on another thread, for a run whose first step will connect
    /// once it has read its files; the step then takes it instead of opening its own. A failure
    /// is reported where the step asks for the connection, as if it had connected then.
    public func startConnecting() {
        guard connection == nil, connectionError == nil, inAdvance == nil else { return }
        let target = target
        let readOnly = readOnly
        let redactor = reporter.redactor
        inAdvance = ConnectionInAdvance { () throws(PostgresError) in
            try PostgresConnection(target: target, readOnly: readOnly, redactor: redactor)
        }
    }

    /// For a preview: nil when the run is offline, else the connection. A dry-run that was asked
    /// to use a database and cannot reach it fails (exit 3) rather than pass having checked nothing.
    public func connectForPreview() throws(StepFailure) -> PostgresConnection? {
        offline ? nil : try connect()
    }

    /// The connection, connecting on first call.
    public func connect() throws(StepFailure) -> PostgresConnection {
        try open(tryingLock: false).connection
    }

    /// Connects if needed and takes the migration lock once per run. A dry-run never locks: it
    /// writes nothing and must not hold up a real deploy.
    public func connectLocked() throws(StepFailure) -> PostgresConnection {
        let locking = !readOnly && takesMigrationLock
        if !readOnly, !takesMigrationLock, !saidLockIsDisabled {
            saidLockIsDisabled = true
            reporter.say(
                nil, .warning,
                "PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK is set: the migration lock is not taken, so concurrent deploys are not kept apart")
        }
        let (connection, lockTaken) = try open(tryingLock: locking && !holdsLock)
        if lockTaken { holdsLock = true }
        guard locking, !holdsLock else { return connection }
        do {
            try AdvisoryLock.acquire(on: connection, timeout: lockTimeout) { holder in
                let who = holder.map { "held by \($0)" } ?? "held by a session that just finished"
                reporter.say(nil, .info, "waiting for the migration lock (advisory lock \(AdvisoryLock.prismaKey)), \(who)")
            }
        } catch {
            switch error {
            case .timedOut(let after, let holder):
                let who = holder.map { " It is held by \($0)." } ?? ""
                throw StepFailure(
                    "could not take the migration lock (advisory lock \(AdvisoryLock.prismaKey)) within \(after).\(who) Another deploy is running; wait for it, raise --lock-wait (or the plan's lock_wait), or end that session with pg_terminate_backend(pid) if it is stuck",
                    exitCode: ExitStatus.unavailable)
            case .database(let error):
                throw StepFailure(error, doing: "could not take the migration lock")
            }
        }
        holdsLock = true
        return connection
    }

    /// The connection, opening it if needed. A new connection's settings travel in one message
    /// and, with `tryingLock`, so does a first attempt at the lock: a nothing-pending run is
    /// mostly round trips.
    private func open(tryingLock: Bool) throws(StepFailure) -> (connection: PostgresConnection, lockTaken: Bool) {
        if let connection {
            if connection.isConnected { return (connection, false) }
            // The server ended the session (a restart, pg_terminate_backend): a retried step
            // gets a new one, and the lock, which went with the old session, is taken again.
            self.connection = nil
            holdsLock = false
            cancellation.set(nil)
        }
        if let connectionError {
            throw StepFailure(connectionError, doing: "could not connect to \(target.endpoint?.summary ?? "the database")")
        }
        let opened: PostgresConnection
        var lockTaken = false
        do throws(PostgresError) {
            if let inAdvance {
                self.inAdvance = nil
                opened = try inAdvance.take().get()
            } else {
                opened = try PostgresConnection(target: target, readOnly: readOnly, redactor: reporter.redactor)
            }
        } catch {
            guard let created = try createDatabaseIfMissing(after: error) else {
                connectionError = error
                throw StepFailure(error, doing: "could not connect to \(target.endpoint?.summary ?? "the database")")
            }
            opened = created
        }
        do throws(PostgresError) {
            if let warning = target.poolerWarning {
                reporter.say(
                    nil, .warning,
                    "this URL looks like a transaction pooler (\(warning)): session advisory locks and concurrent index builds need a direct connection (Prisma's directUrl)"
                )
            }
            // A message already sent runs to its end even if the client dies; with this check
            // (PostgreSQL 14+) the server notices a dead runner within a second and rolls its
            // transaction back, so a killed deploy stops instead of finishing unattended.
            var statements: [String] = []
            if opened.serverVersionNumber >= 140000 { statements.append("SET client_connection_check_interval = '1s'") }
            for setting in settings {
                statements.append(
                    "SELECT set_config(\(SQLQuoting.literal(setting.name)), \(SQLQuoting.literal(setting.value)), false)"
                )
            }
            if tryingLock { statements.append(AdvisoryLock.attempt) }
            if !statements.isEmpty {
                // One message; the server stops at the first error, which is what comes back.
                let results = try opened.executeEach(statements.joined(separator: "; "))
                if tryingLock { lockTaken = results.last?.scalar == "t" }
            }
        } catch {
            connectionError = error
            throw StepFailure(error, doing: "could not connect to \(target.endpoint?.summary ?? "the database")")
        }
        connection = opened
        cancellation.set(opened.cancelHandle())
        return (opened, lockTaken)
    }

    /// `prisma migrate deploy` creates the URL's database when it is missing and the role may:
    /// through the `postgres` database, else `template1`, as Prisma's engine does. nil when
    /// `error` is not about a missing database, or creating it is not this session's to do.
    private func createDatabaseIfMissing(after error: PostgresError) throws(StepFailure) -> PostgresConnection? {
        guard createsMissingDatabase, let name = target.endpoint?.database,
            error.message.contains("database \"\(name)\" does not exist")
        else { return nil }
        if readOnly {
            // A dry-run: the run would create the database as a copy of template1, so the plan
            // is made against template1, read-only, and says so.
            do throws(PostgresError) {
                let template = try PostgresConnection(target: target, readOnly: true, redactor: reporter.redactor, database: "template1")
                reporter.say(
                    nil, .info,
                    "database \(name) does not exist: a run would create it (as prisma migrate deploy does; --no-create-database turns it off), so this dry-run plans against template1, which the new database would copy"
                )
                return template
            } catch {
                return nil
            }
        }
        var lastError = error
        for maintenance in ["postgres", "template1"] {
            do throws(PostgresError) {
                let admin = try PostgresConnection(target: target, redactor: reporter.redactor, database: maintenance)
                try admin.execute("CREATE DATABASE " + PostgresConnection.quoteIdentifier(name))
                reporter.say(
                    nil, .info,
                    "created database \(name), which did not exist (as prisma migrate deploy does; --no-create-database turns it off)")
                return try PostgresConnection(target: target, readOnly: readOnly, redactor: reporter.redactor)
            } catch {
                lastError = error
                // Another deploy created it first: use it.
                if error.sqlState == "42P04" {
                    do throws(PostgresError) {
                        return try PostgresConnection(target: target, readOnly: readOnly, redactor: reporter.redactor)
                    } catch {
                        lastError = error
                    }
                }
                if error.kind != .connection { break }
            }
        }
        connectionError = lastError
        throw StepFailure(lastError, doing: "database \(name) does not exist, and creating it failed")
    }

    /// Releases the lock and closes the connection.
    public func close() {
        inAdvance?.abandon()
        inAdvance = nil
        if holdsLock, let connection { AdvisoryLock.release(on: connection) }
        holdsLock = false
        cancellation.set(nil)
        connection = nil
    }

    deinit { close() }
}
