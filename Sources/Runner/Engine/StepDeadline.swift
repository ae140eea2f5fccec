import Dispatch
import PlanModel

/// A step's `timeout:`: when it passes, the query the step is running is cancelled (the server
/// rolls its transaction back) and the step fails saying why. Steps that run no SQL enforce
/// their own (exec stops its process group).
final class StepDeadline: @unchecked Sendable {
    private let lock = Lock()
    private var fired = false
    private var work: DispatchWorkItem?

    init(after timeout: Duration?, session: DatabaseSession) {
        guard let timeout else { return }
        let cancellation = session.cancellation
        let item = DispatchWorkItem { [self] in
            lock.withLock { fired = true }
            cancellation.cancelRunningQuery()
        }
        work = item
        DispatchQueue.global().asyncAfter(deadline: .now() + Units.seconds(of: timeout), execute: item)
    }

    var hasPassed: Bool { lock.withLock { fired } }

    func disarm() { work?.cancel() }
}

/// The session connection's cancel handle, reachable from other threads (a deadline's timer).
public final class SessionCancellation: @unchecked Sendable {
    private let lock = Lock()
    private var handle: CancelHandle?

    func set(_ handle: CancelHandle?) { lock.withLock { self.handle = handle } }

    public func cancelRunningQuery() {
        let handle = lock.withLock { self.handle }
        handle?.cancelRunningQuery()
    }
}
