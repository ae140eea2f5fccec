import Dispatch

/// A connection being opened on another thread while the run gets its first step ready. Opening
/// one is mostly waiting — the server forks a backend and authenticates — and a migrate step
/// first reads and hashes its migrations folder (~5 ms for 500 migrations): done side by side,
/// the run no longer pays for both in turn (docs/BENCHMARKS.md).
///
/// The connection is handed over whole: the opening thread never touches it after `take()` can
/// see it, so libpq's one-thread-at-a-time rule holds. A thread of its own rather than Dispatch's:
/// see DetachedThread.
final class ConnectionInAdvance: @unchecked Sendable {
    private let lock = Lock()
    private let opened = DispatchSemaphore(value: 0)
    /// Written once by the opening thread, before `opened` is signalled.
    private var outcome: Result<PostgresConnection, PostgresError>?
    private var abandoned = false

    /// Nil when no thread could be started: the step then connects itself.
    init?(_ open: @escaping @Sendable () throws(PostgresError) -> PostgresConnection) {
        let started = DetachedThread.start { [self] in
            let result = Result { () throws(PostgresError) in try open() }
            // Abandoned: `result` goes out of scope at the end of this closure, which closes the
            // connection here, on the thread that opened it.
            lock.withLock { if !abandoned { outcome = result } }
            opened.signal()
        }
        guard started else { return nil }
    }

    /// The connection or the reason it could not be opened, waiting for the attempt to end.
    func take() -> Result<PostgresConnection, PostgresError> {
        opened.wait()
        return lock.withLock {
            let result = outcome ?? .failure(PostgresError(kind: .connection, message: "the connection was abandoned"))
            outcome = nil
            return result
        }
    }

    /// The run ended without needing it: whenever the attempt ends, the connection is closed.
    /// Does not wait, so a run that failed before connecting is not held up by a slow server.
    func abandon() {
        lock.withLock {
            abandoned = true
            outcome = nil
        }
    }
}
