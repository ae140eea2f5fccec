public import Runner

/// An event sink that keeps every event, so tests can assert what a user would have seen.
public final class CollectingSink: EventSink {
    public private(set) var events: [RunEvent] = []

    public init() {}

    public func receive(_ event: RunEvent) { events.append(event) }

    /// Every message, in order.
    public var messages: [Message] {
        events.compactMap { if case .message(_, let message) = $0 { message } else { nil } }
    }

    /// The planned actions reported, in order: what a dry-run would do, or what a run did.
    public var actions: [ActionReport] {
        events.compactMap { if case .action(_, let action, _) = $0 { action } else { nil } }
    }

    /// Message texts, for `contains` checks.
    public var texts: [String] { messages.map(\.text) }

    public func messages(_ level: Message.Level) -> [Message] { messages.filter { $0.level == level } }

    /// All message texts and SQL as one string, for "never prints X" checks.
    public var transcript: String {
        messages.map { [$0.location, $0.text, $0.sql].compactMap { $0 }.joined(separator: " ") }.joined(separator: "\n")
    }
}

/// A reporter, its collecting sink and a session on `url`, wired as the CLI wires them.
public struct StepHarness {
    public let sink: CollectingSink
    public let reporter: Reporter
    public let session: DatabaseSession

    public init(url: String?, readOnly: Bool = false, lockTimeout: Duration = .seconds(5)) {
        sink = CollectingSink()
        reporter = Reporter(sinks: [sink])
        session = DatabaseSession(
            target: ConnectionTarget(url: url), readOnly: readOnly, lockTimeout: lockTimeout, reporter: reporter)
    }

    /// The context a step runs with (step 1 of a run).
    public var context: StepContext {
        StepContext(index: 1, session: session, reporter: reporter, dryRun: session.readOnly)
    }

    /// Runs one step through the engine's loop, as `plan run` would.
    @discardableResult
    public func run(_ runner: any StepRunner, kind: String, dryRun: Bool? = nil) -> RunSummary {
        PlanExecutor.run(
            plan: "test", file: nil, steps: [ExecutableStep(name: kind, kind: kind, runner: runner)], session: session,
            reporter: reporter, dryRun: dryRun ?? session.readOnly)
    }
}

/// Records when each message arrived, to tell streamed output from output delivered at the end.
public final class TimedSink: EventSink {
    public private(set) var arrivals: [(text: String, at: ContinuousClock.Instant)] = []
    public init() {}
    public func receive(_ event: RunEvent) {
        if case .message(_, let message) = event { arrivals.append((message.text, ContinuousClock.now)) }
    }
}
