import Foundation
import PlanModel
import Runner
import Steps
import TestSupport

/// Collects every event a run emits (from any thread: the Reporter serialises deliveries).
final class IndexEventSink: EventSink, @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [RunEvent] = []
    func receive(_ event: RunEvent) { lock.withLock { collected.append(event) } }
    var events: [RunEvent] { lock.withLock { collected } }

    var messages: [String] {
        events.compactMap { if case .message(_, let message) = $0 { return message.text } else { return nil } }
    }
    var progress: [Runner.Progress] {
        events.compactMap { if case .progress(_, let progress) = $0 { return progress } else { return nil } }
    }
    var outcome: StepOutcome? {
        events.compactMap { if case .stepFinished(_, _, _, let outcome, _) = $0 { return outcome } else { return nil } }.first
    }
    var actions: [ActionReport] {
        events.compactMap { if case .action(_, let action, _) = $0 { return action } else { return nil } }
    }
    /// In a message or a planned action's summary.
    func saw(_ text: String) -> Bool { (messages + actions.map(\.summary)).contains { $0.contains(text) } }
}

/// Runs one index step through the engine, as `plan run` will.
func runIndexStep(
    _ step: IndexStep, on database: TestDatabase, dryRun: Bool = false, interruption: Interruption = Interruption()
) -> (summary: RunSummary, sink: IndexEventSink) {
    let sink = IndexEventSink()
    let reporter = Reporter(sinks: [sink])
    let session = DatabaseSession(
        target: ConnectionTarget(url: database.url), readOnly: dryRun, lockTimeout: .seconds(30), reporter: reporter)
    let summary = PlanExecutor.run(
        plan: "index-test", file: nil,
        steps: [ExecutableStep(name: step.name, kind: "index-concurrently", runner: IndexConcurrentlyRunner(step))],
        session: session, reporter: reporter, dryRun: dryRun, interruption: interruption)
    return (summary, sink)
}

/// Fills `table` with `rows` random vectors of `dimensions` (one statement, server-side).
func createVectorTable(_ connection: PostgresConnection, _ table: String, dimensions: Int, rows: Int) throws {
    try connection.execute("CREATE TABLE \(table) (id bigserial PRIMARY KEY, embedding vector(\(dimensions)))")
    try connection.execute(
        """
        INSERT INTO \(table) (embedding)
        SELECT (SELECT array_agg(random()::real) FROM generate_series(1, \(dimensions)) WHERE g > 0)::vector
        FROM generate_series(1, \(rows)) AS g
        """)
}

func ivfflatStep(_ name: String, table: String, lists: Int, budget: String? = nil) -> IndexStep {
    IndexStep(
        name: name, table: table, method: .ivfflat,
        keys: [IndexStep.Key(target: .column("embedding"), opclass: "vector_cosine_ops")],
        storage: [IndexStep.StorageParameter(name: "lists", value: .int(lists))],
        maintenanceWorkMem: budget.flatMap(Units.size))
}

/// The index's validity, or nil when there is none.
func indexValidity(_ connection: PostgresConnection, _ name: String) throws -> Bool? {
    try connection.query("SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1", [name])
        .scalar.map { $0 == "t" }
}

/// Runs `body` on its own thread (with its own connections) and returns a way to wait for it.
func onThread(_ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
    let done = DispatchSemaphore(value: 0)
    Thread {
        body()
        done.signal()
    }.start()
    return done
}

/// Polls until `condition` holds or `timeout` passes.
func waitUntil(timeout: TimeInterval = 30, _ condition: () -> Bool) -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return false
}

/// Holds an open writing transaction on `table` from its own thread, which keeps a concurrent
/// build waiting (after it has committed its INVALID catalog entry) until `act` has run; then
/// commits, after `linger` seconds. Wait on the returned semaphore when done.
func holdWriterUntilInvalid(
    url: String, table: String, index: String, linger: TimeInterval = 0.5,
    act: @escaping @Sendable (PostgresConnection) -> Void
) -> DispatchSemaphore {
    let ready = DispatchSemaphore(value: 0)
    let done = onThread {
        guard let blocker = try? PostgresConnection(target: ConnectionTarget(url: url)),
            let watcher = try? PostgresConnection(target: ConnectionTarget(url: url)),
            (try? blocker.execute("BEGIN; INSERT INTO \(table) (embedding) VALUES ('[1,2,3]')")) != nil
        else {
            ready.signal()
            return
        }
        ready.signal()
        _ = waitUntil { (try? indexValidity(watcher, index)) == false }
        act(watcher)
        Thread.sleep(forTimeInterval: linger)
        _ = try? blocker.execute("COMMIT")
    }
    ready.wait()
    return done
}
