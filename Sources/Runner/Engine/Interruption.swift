import Dispatch
import Glibc
import Synchronization

/// Ctrl-C and SIGTERM, turned into an orderly stop. While a step runs a cancellable operation
/// (an index build), a signal cancels that query through its `CancelHandle`; the step then
/// cleans up (drops the INVALID index the cancelled build leaves), the executor stops, the
/// session releases the advisory lock, and the process exits 130 (SIGINT) or 143 (SIGTERM).
///
/// Outside a step that handles interruption itself, a signal ends the process at once with the
/// same exit code, as the default handler would: the server rolls back the open transaction and
/// frees the session's advisory lock when the connection closes. A second signal while the
/// first is being handled also exits at once, for a user who will not wait.
public final class Interruption: Sendable {
    /// The process-wide instance the CLI installs signal handlers for.
    public static let shared = Interruption(exitsWhenUnhandled: true)

    private let exitsWhenUnhandled: Bool
    private let state = Mutex(State())

    private struct State {
        var sources: [any DispatchSourceSignal] = []
        var received: Int32?
        var handlingScopes = 0
        var runningQuery: CancelHandle?
    }

    /// `exitsWhenUnhandled: false` makes an instance for tests: a delivered signal is only
    /// recorded (and cancels what runs), never ends the process.
    public init(exitsWhenUnhandled: Bool = false) {
        self.exitsWhenUnhandled = exitsWhenUnhandled
    }

    /// Routes SIGINT and SIGTERM to this instance (dispatch sources need the default action off).
    public func installSignalHandlers() {
        state.withLock { state in
            guard state.sources.isEmpty else { return }
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { [weak self] in self?.deliver(number) }
                source.resume()
                state.sources.append(source)
            }
        }
    }

    /// The signal received, if any.
    public var receivedSignal: Int32? { state.withLock { $0.received } }

    /// The exit code the received signal asks for: 130 for SIGINT, 143 for SIGTERM.
    public var exitStatus: Int32? {
        receivedSignal.map { $0 == SIGTERM ? ExitStatus.terminated : ExitStatus.interrupted }
    }

    public static func name(of signal: Int32) -> String { signal == SIGTERM ? "SIGTERM" : "SIGINT" }

    /// Handles a signal: cancels the running query, if any, and records the signal.
    public func deliver(_ signal: Int32) {
        let (cancel, unhandled): (CancelHandle?, Bool) = state.withLock { state in
            let repeated = state.received != nil
            state.received = state.received ?? signal
            return (state.runningQuery, state.handlingScopes == 0 || repeated)
        }
        let exitNow = exitsWhenUnhandled && unhandled
        if exitNow {
            cancel?.cancelRunningQuery()
            // Another thread may be inside libpq (connecting): no library teardown, just the end.
            ProcessExit.now(signal == SIGTERM ? ExitStatus.terminated : ExitStatus.interrupted)
        }
        cancel?.cancelRunningQuery()
    }

    /// Runs `body` as a step that handles interruption itself: a signal is recorded for it to
    /// notice instead of ending the process.
    public func handling<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        state.withLock { $0.handlingScopes += 1 }
        defer { state.withLock { $0.handlingScopes -= 1 } }
        return try body()
    }

    /// Runs a query that a signal cancels. A signal that came just before it starts cancels it
    /// as soon as it is registered, so none is lost between checks.
    public func cancellable<T, E: Error>(_ handle: CancelHandle?, _ body: () throws(E) -> T) throws(E) -> T {
        let alreadyReceived: Bool = state.withLock { state in
            state.runningQuery = handle
            return state.received != nil
        }
        defer { state.withLock { $0.runningQuery = nil } }
        if alreadyReceived { handle?.cancelRunningQuery() }
        return try body()
    }
}
