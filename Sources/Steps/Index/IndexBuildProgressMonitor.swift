import Dispatch
import PlanModel
import Runner

/// Watches a running index build from a second connection, on its own thread, and reports
/// `pg_stat_progress_create_index` as `.progress` events. The connection is opened on that
/// thread and used only there (PostgresConnection is not Sendable), and only after the first
/// interval, so a build that ends sooner costs nothing. One small catalog query every 500 ms
/// on another backend adds nothing measurable to the build.
final class IndexBuildProgressMonitor: Sendable {
    private let target: ConnectionTarget
    private let redactor: Redactor
    private let builderPID: Int
    private let interval: Duration
    private let report: @Sendable (Runner.Progress) -> Void
    /// Called on every tick, e.g. to repeat a cancel request that arrived before the query did.
    private let onTick: @Sendable () -> Void
    private let stopRequested = DispatchSemaphore(value: 0)
    /// Signalled when the polling thread has let go of its connection.
    private let finished = DispatchSemaphore(value: 0)

    init(
        target: ConnectionTarget, redactor: Redactor, builderPID: Int, interval: Duration = .milliseconds(500),
        report: @escaping @Sendable (Runner.Progress) -> Void, onTick: @escaping @Sendable () -> Void = {}
    ) {
        self.target = target
        self.redactor = redactor
        self.builderPID = builderPID
        self.interval = interval
        self.report = report
        self.onTick = onTick
    }

    func start() {
        DispatchQueue(label: "plan.index-progress").async { [self] in
            poll()
            finished.signal()
        }
    }

    /// Stops polling and waits for the thread to let go of its connection.
    func stop() {
        stopRequested.signal()
        finished.wait()
    }

    /// Waits one interval; false when asked to stop meanwhile.
    private func waitInterval() -> Bool {
        stopRequested.wait(timeout: .now() + .microseconds(Int(Units.microseconds(of: interval)))) == .timedOut
    }

    private func poll() {
        var connection: PostgresConnection?
        var last: Runner.Progress?
        while waitInterval() {
            onTick()
            if connection == nil {
                connection = try? PostgresConnection(
                    target: target, applicationName: "plan/\(PlanVersion.current) progress", redactor: redactor)
                if connection == nil { return }  // progress is a courtesy; the build goes on without it
            }
            guard let connection, let row = try? connection.query(Self.query, [String(builderPID)]).rows.first else { continue }
            let progress = Self.progress(from: row)
            if progress != last {
                report(progress)
                last = progress
            }
        }
    }

    static let query = """
        SELECT phase, blocks_total, blocks_done, tuples_total, tuples_done, lockers_total, lockers_done, current_locker_pid
        FROM pg_stat_progress_create_index WHERE pid = $1::int
        """

    /// Percent from whichever counter the phase fills: tuples (loading), blocks (scanning), or
    /// lockers (waiting). Whole percents, so a fast build does not flood JSON output.
    static func progress(from row: [String?]) -> Runner.Progress {
        func number(_ index: Int) -> Int64 { Int64(row[index] ?? "0") ?? 0 }
        let phase = row[0] ?? "unknown"
        let (blocksTotal, blocksDone) = (number(1), number(2))
        let (tuplesTotal, tuplesDone) = (number(3), number(4))
        let (lockersTotal, lockersDone) = (number(5), number(6))
        let locker = number(7)
        func percent(_ done: Int64, _ total: Int64) -> Double { (Double(min(done, total)) * 100 / Double(total)).rounded(.down) }
        if tuplesTotal > 0 {
            return Runner.Progress(phase: phase, percent: percent(tuplesDone, tuplesTotal), detail: "\(tuplesDone)/\(tuplesTotal) tuples")
        }
        if blocksTotal > 0 {
            return Runner.Progress(phase: phase, percent: percent(blocksDone, blocksTotal), detail: "\(blocksDone)/\(blocksTotal) blocks")
        }
        if lockersTotal > 0 {
            let waiting = locker > 0 ? ", waiting for pid \(locker)" : ""
            return Runner.Progress(
                phase: phase, percent: percent(lockersDone, lockersTotal), detail: "\(lockersDone)/\(lockersTotal) transactions\(waiting)")
        }
        if tuplesDone > 0 { return Runner.Progress(phase: phase, detail: "\(tuplesDone) tuples") }
        return Runner.Progress(phase: phase)
    }
}
