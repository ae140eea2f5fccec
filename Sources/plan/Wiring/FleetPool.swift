import Dispatch
import Fleet
import FoundationEssentials
import Glibc
import Runner
import Steps
import Synchronization

/// One process's worker pool: each target runs as a child of this same binary
/// (`/proc/self/exe … --format json --database-url-env PLAN_TARGET_DATABASE_URL`), with its URL
/// in the child's environment and never on a command line, so it has its own session, advisory
/// lock and history exactly as a single run would, and nothing of one target's run can touch
/// another's. A thread per running child reads its event lines; the coordinator (the caller's
/// thread) alone decides, starts and prints.
final class FleetPool: Sendable {
    static let urlVariable = "PLAN_TARGET_DATABASE_URL"

    struct Ended: Sendable {
        var index: Int
        var report: TargetReport
        var termination: ChildProcess.Termination
        var seconds: Double
    }

    private let executable: String
    private let environment: [String: String]
    private let directory: String
    private let ended = Mutex<[Ended]>([])
    private let running = Mutex<[Int: pid_t]>([:])
    private let wake = DispatchSemaphore(value: 0)

    init(executable: String, environment: [String: String], directory: String) {
        self.executable = executable
        self.environment = environment
        self.directory = directory
    }

    /// The running binary, to start children of.
    static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? "/proc/self/exe"
    }

    var runningCount: Int { running.withLock { $0.count } }

    /// Starts target `index`'s child; its end arrives through `takeEnded`.
    func start(index: Int, arguments: [String], url: String) throws(SpawnError) {
        var environment = environment
        environment[Self.urlVariable] = url
        let started = ContinuousClock.now
        let child = try ChildProcess.spawn(
            executable: executable, arguments: [executable] + arguments, environment: environment, directory: directory)
        running.withLock { $0[index] = child.pid }
        // The reader thread owns the child (its pipes) from here on; nothing else touches it.
        nonisolated(unsafe) let owned = child
        let reader: @Sendable () -> Void = { [self] in
            var report = TargetReport()
            var streamsClosed = false
            var termination = owned.poll()
            while !streamsClosed || termination == nil {
                // Woken by output or by the child's end; once it ended, only its output is awaited.
                let (lines, closed) = owned.output.take(
                    waitingAtMost: .seconds(1), wakeDescriptor: termination == nil ? owned.waiter.endedDescriptor : -1)
                for line in lines {
                    switch line.stream {
                    case .stdout: report.read(event: line.text)
                    case .stderr: report.read(diagnostic: line.text)
                    }
                }
                streamsClosed = closed
                termination = owned.poll()
            }
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            running.withLock { _ = $0.removeValue(forKey: index) }
            ended.withLock { $0.append(Ended(index: index, report: report, termination: termination ?? .unknown, seconds: seconds)) }
            wake.signal()
        }
        DispatchQueue(label: "plan.fleet-target").async(execute: reader)
    }

    /// Waits up to `timeout` for a child to end, then hands over every end so far.
    func takeEnded(waitingAtMost timeout: Duration) -> [Ended] {
        let milliseconds = Int(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        _ = wake.wait(timeout: .now() + .milliseconds(milliseconds))
        return ended.withLock { list in
            defer { list.removeAll() }
            return list
        }
    }

    /// Passes a signal on to every running child's process group: each stops as a single run
    /// does on that signal (a cancelled index build cleans up, a migration's transaction rolls
    /// back, the lock is released) and exits 130/143.
    func forward(_ signal: Int32) {
        for pid in running.withLock({ Array($0.values) }) { kill(-pid, signal) }
    }
}
