internal import CLibPQ

/// Asks the server to cancel whatever the connection it came from is running. libpq documents
/// `PQcancel` as safe to call from any thread (even a signal handler), which is what makes this
/// type Sendable while the connection is not.
public final class CancelHandle: @unchecked Sendable {
    private let cancel: OpaquePointer

    init(_ cancel: OpaquePointer) {
        self.cancel = cancel
    }

    deinit { PQfreeCancel(cancel) }

    /// Sends the cancel request; returns false if it could not be sent.
    @discardableResult
    public func cancelRunningQuery() -> Bool {
        var buffer = [CChar](repeating: 0, count: 256)
        return PQcancel(cancel, &buffer, Int32(buffer.count)) == 1
    }
}
