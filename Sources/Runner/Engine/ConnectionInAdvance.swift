import Dispatch
import Synchronization

/// A connection being opened on another thread while the run gets its first step ready. Opening
/// one is mostly waiting — the server forks a backend and authenticates — and a migrate step
/// first reads and hashes its migrations folder (~5 ms for 500 migrations): done side by side,
/// the run no longer pays for both in turn (docs/BENCHMARKS.md).
///
/// The connection is handed over whole: the opening thread never touches it after `take()` can
/// see it, so libpq's one-thread-at-a-time rule holds.
final class ConnectionInAdvance: Sendable {
    private let opened = DispatchSemaphore(value: 0)
    /// Filled once by the opening thread, which holds it while it connects; emptied by `take`.
    private let outcome = Mutex<Result<PostgresConnection, PostgresError>?>(nil)
    private let abandoned = Atomic(false)

    init(_ open: @escaping @Sendable () throws(PostgresError) -> sending PostgresConnection) {
        DispatchQueue(label: "plan.connect").async { [self] in
            outcome.withLock { slot in
                slot = Self.attempt(open)
                // Abandoned meanwhile: dropping it closes the connection here, on the thread
                // that opened it.
                if abandoned.load(ordering: .sequentiallyConsistent) { slot = nil }
            }
            opened.signal()
        }
    }

    private static func attempt(_ open: () throws(PostgresError) -> sending PostgresConnection)
        -> sending Result<
            PostgresConnection, PostgresError
        >
    {
        do { return .success(try open()) } catch { return .failure(error) }
    }

    /// The connection or the reason it could not be opened, waiting for the attempt to end.
    func take() -> Result<PostgresConnection, PostgresError> {
        opened.wait()
        return outcome.withLock { slot in
            let result = slot ?? .failure(PostgresError(kind: .connection, message: "the connection was abandoned"))
            slot = nil
            return result
        }
    }

    /// The run ended without needing it: whenever the attempt ends, the connection is closed.
    /// Does not wait, so a run that failed before connecting is not held up by a slow server:
    /// while the attempt is under way the opening thread holds the slot, and drops what it gets.
    func abandon() {
        abandoned.store(true, ordering: .sequentiallyConsistent)
        _ = outcome.withLockIfAvailable { $0 = nil }
    }
}
