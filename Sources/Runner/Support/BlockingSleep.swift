import Glibc

/// Blocks the calling thread for `duration` (a retry's backoff, a lock poll's pause): what
/// `Thread.sleep` did, without Foundation's full runtime. A signal's interruption only shortens
/// one nanosleep; the rest of the time is slept.
public func blockingSleep(for duration: Duration) {
    guard duration > .zero else { return }
    let (seconds, attoseconds) = duration.components
    var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) == -1, errno == EINTR {
        request = remaining
    }
}
