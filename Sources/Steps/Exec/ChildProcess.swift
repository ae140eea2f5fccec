import Dispatch
import Runner
import Synchronization

#if canImport(Glibc)
    public import Glibc
#elseif canImport(Darwin)
    public import Darwin
#endif

/// A program started with posix_spawn, in a process group of its own, with a clean signal state.
///
/// Not Foundation's `Process`: it spawns children with the calling thread's signal mask, and the
/// threads async code runs on block most signals, so a program started from there ignored our
/// SIGTERM (and a user's Ctrl-C). Here the child starts with no signal blocked and the usual
/// signals at their default actions, as a shell would start it.
public struct ChildProcess {
    public enum Termination: Equatable, Sendable {
        case exited(Int32)
        case signalled(Int32)
        /// It ended, but the system reaped it for us (SIGCHLD ignored: waitpid says ECHILD), so
        /// its status is lost. plan resets SIGCHLD at start, so this should not happen.
        case unknown
    }

    public let pid: pid_t
    /// The child's stdout and stderr, whose pipes it owns.
    public let output: OutputLines
    /// Tells when the child ends, without polling.
    public let waiter: ChildWaiter

    /// Starts `executable` with `arguments` (argv[0] first). stdin is /dev/null.
    public static func spawn(
        executable: String, arguments: [String], environment: [String: String], directory: String
    ) throws(SpawnError) -> ChildProcess {
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0 else { throw SpawnError(code: errno) }
        guard pipe(&errPipe) == 0 else {
            let code = errno
            close(outPipe[0])
            close(outPipe[1])
            throw SpawnError(code: code)
        }

        #if canImport(Darwin)
            var actions: posix_spawn_file_actions_t? = nil
            var attributes: posix_spawnattr_t? = nil
        #else
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for descriptor in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, descriptor) }
        guard addChdir(&actions, directory) == 0 else {
            for descriptor in outPipe + errPipe { close(descriptor) }
            throw SpawnError(code: ENOSYS)
        }

        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGPIPE, SIGCHLD, SIGALRM, SIGUSR1, SIGUSR2] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // Process group 0: the child leads a new group, so a timeout can stop everything it starts.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        close(outPipe[1])
        close(errPipe[1])
        guard result == 0 else {
            close(outPipe[0])
            close(errPipe[0])
            throw SpawnError(code: result)
        }
        return ChildProcess(pid: pid, output: OutputLines(stdout: outPipe[0], stderr: errPipe[0]), waiter: ChildWaiter(pid: pid))
    }

    /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29+, macOS 10.15+), looked up at run time
    /// because the Glibc module does not export it; nil-safe on older systems.
    private typealias AddChdir = @convention(c) (UnsafeMutableRawPointer, UnsafePointer<CChar>) -> Int32

    private static func addChdir<Actions>(_ actions: inout Actions, _ directory: String) -> Int32 {
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "posix_spawn_file_actions_addchdir_np") else {
            return ENOSYS
        }
        let function = unsafeBitCast(symbol, to: AddChdir.self)
        return withUnsafeMutablePointer(to: &actions) { function(UnsafeMutableRawPointer($0), directory) }
    }

    /// The termination, if the child has ended, else nil.
    public func poll() -> Termination? { waiter.termination }

    /// Sends `signal` to the child's whole process group.
    public func signalGroup(_ signal: Int32) {
        kill(-pid, signal)
    }

    fileprivate static func decode(_ status: Int32) -> Termination {
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift cannot import as macros.
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }
}

/// Waits for a child with a blocking waitpid on a queue of its own, and makes its end a
/// readable descriptor (`endedDescriptor`), so the step's loop sleeps in poll(2) on the child's
/// output and its end together instead of asking waitpid again and again. ECHILD (the child was
/// reaped by the system because SIGCHLD was ignored) counts as ended.
public final class ChildWaiter: Sendable {
    /// Readable (end of file) once the child has ended.
    public let endedDescriptor: Int32
    private let ended = Mutex<ChildProcess.Termination?>(nil)

    init(pid: pid_t) {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) != 0 { ends = [-1, -1] }
        endedDescriptor = ends[0]
        let writeEnd = ends[1]
        DispatchQueue(label: "plan.child-wait").async { [self] in
            let termination = Self.wait(for: pid)
            ended.withLock { $0 = termination }
            if writeEnd >= 0 { close(writeEnd) }
        }
    }

    deinit {
        if endedDescriptor >= 0 { close(endedDescriptor) }
    }

    public var termination: ChildProcess.Termination? { ended.withLock { $0 } }

    private static func wait(for pid: pid_t) -> ChildProcess.Termination {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, 0)
            if result == pid { return ChildProcess.decode(status) }
            if result < 0, errno == EINTR { continue }
            return .unknown
        }
    }
}

public struct SpawnError: Error {
    public var code: Int32
    public var description: String { String(cString: strerror(code)) }
}
