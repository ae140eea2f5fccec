import Runner
import SQL

/// One WAL flush per run instead of one per migration.
///
/// Each migration still commits on its own (atomic with its history row), but with
/// `synchronous_commit = off`; when the step ends, one small transaction commits with the
/// session's original setting, which flushes the WAL up to and including every earlier commit.
/// So nothing is reported applied that is not durable, and a crash before that flush can only
/// lose whole migrations (statements and row together), which the next run applies.
final class DurabilityScope {
    private let connection: PostgresConnection
    /// The session's own setting, once asynchronous commits have begun.
    private var previous: String?

    init(connection: PostgresConnection) { self.connection = connection }

    /// Switches to asynchronous commits before the first write; later calls do nothing.
    func begin() {
        guard previous == nil else { return }
        let result = try? connection.execute(
            "SELECT current_setting('synchronous_commit') AS previous, set_config('synchronous_commit', 'off', false)")
        previous = result?.scalar ?? "on"
    }

    /// Restores the setting and waits for the flush: pg_current_xact_id() assigns a transaction
    /// id, so the commit writes a record and, being synchronous, waits until it is flushed. If
    /// that fails, the step fails: what was applied may not survive a crash.
    func flush() throws(StepFailure) {
        guard let previous else { return }
        self.previous = nil
        let outcome = connection.runScript(
            "SELECT set_config('synchronous_commit', \(SQLQuoting.literal(previous)), false); BEGIN; SELECT pg_current_xact_id(); COMMIT;"
        )
        if let error = outcome.error {
            throw StepFailure(
                "the migrations were applied, but confirming they are durable failed: \(error.description). Run again: "
                    + "what reached the disk is skipped and anything lost in a crash is applied again",
                postgres: error)
        }
    }

    /// After a failure the step fails anyway; flush what committed (and the failure's history
    /// row) if the connection still allows it.
    func flushAfterFailure() {
        guard connection.isConnected else { return }
        try? flush()
    }
}
