import Dispatch
import PlanModel
import Synchronization

/// A step's `timeout:`: when it passes, the query the step is running is cancelled (the server
/// rolls its transaction back) and the step fails saying why. Steps that run no SQL enforce
/// their own (exec stops its process group).
final class StepDeadline: Sendable {
    private let state = Mutex((disarmed: false, fired: false))

    init(after timeout: Duration?, session: DatabaseSession) {
        guard let timeout else { return }
        let cancellation = session.cancellation
        DispatchQueue.global().asyncAfter(deadline: .now() + Units.seconds(of: timeout)) { [self] in
            let fires = state.withLock { state in
                state.fired = !state.disarmed
                return state.fired
            }
            if fires { cancellation.cancelRunningQuery() }
        }
    }

    var hasPassed: Bool { state.withLock { $0.fired } }

    func disarm() { state.withLock { $0.disarmed = true } }
}

/// The session connection's cancel handle, reachable from other threads (a deadline's timer).
public final class SessionCancellation: Sendable {
    private let handle = Mutex<CancelHandle?>(nil)

    func set(_ handle: CancelHandle?) { self.handle.withLock { $0 = handle } }

    public func cancelRunningQuery() {
        let handle = handle.withLock { $0 }
        handle?.cancelRunningQuery()
    }
}
