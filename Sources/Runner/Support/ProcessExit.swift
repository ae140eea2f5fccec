import Glibc

/// The one way plan ends (issue 19, item 6): stdio flushed, then `_exit`. libc's `exit` runs the
/// destructors of every library libpq loaded (OpenSSL, Kerberos…) and atexit handlers; from a
/// signal's thread while another thread is inside libpq, that aborted or crashed runs — and the
/// core dump held the password. `_exit` ends every thread at once, with no teardown to race.
public enum ProcessExit {
    public static func now(_ status: Int32) -> Never {
        fflush(nil)
        _exit(status)
    }

    /// Core dumps and ptrace attach off: the process holds passwords (the URL, PGPASSWORD,
    /// `.pgpass`, secret `env` values) from its first instruction to its last.
    public static func protectCredentials() {
        // prctl is variadic, which Swift cannot call: looked up and called with its integer
        // arguments (the same registers on Linux's x86-64 and arm64 calling conventions).
        typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "prctl") else { return }
        let prctl = unsafeBitCast(symbol, to: Prctl.self)
        let setDumpable: Int32 = 4  // PR_SET_DUMPABLE
        _ = prctl(setDumpable, 0, 0, 0, 0)
    }

    /// Whether core dumps are on (PR_GET_DUMPABLE), for tests.
    public static var isDumpable: Bool {
        typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "prctl") else { return true }
        let getDumpable: Int32 = 3  // PR_GET_DUMPABLE
        return unsafeBitCast(symbol, to: Prctl.self)(getDumpable, 0, 0, 0, 0) != 0
    }
}
