import Runner

/// One WAL flush per run instead of one per migration.
///
/// Each migration still commits on its own (atomic with its history row), but with
/// `synchronous_commit = off`; when the step ends — success or failure — one small transaction
/// commits with the session's original setting, which flushes the WAL up to and including every
/// earlier commit. So nothing is reported applied that is not durable, and a crash before that
/// flush can only lose whole migrations (statements and row together), which the next run applies.
struct DeferredDurability {
    private let previous: String?

    init(on connection: PostgresConnection) {
        let result = try? connection.execute(
            "SELECT current_setting('synchronous_commit') AS previous, set_config('synchronous_commit', 'off', false)")
        previous = result?.scalar
    }

    /// Restores the setting and waits for the flush. pg_current_xact_id() assigns a transaction
    /// id, so the commit writes a record and, being synchronous, waits until it is flushed.
    func flush(on connection: PostgresConnection) {
        guard let previous, connection.isConnected else { return }
        _ = connection.runScript(
            "SELECT set_config('synchronous_commit', \(PostgresConnection.quoteLiteral(previous)), false); BEGIN; SELECT pg_current_xact_id(); COMMIT;")
    }
}
