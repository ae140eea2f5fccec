import Synchronization

/// Receives run events. Renderers (text, JSON lines, Markdown) conform.
public protocol EventSink: AnyObject {
    func receive(_ event: RunEvent)
    /// Called once at the end, e.g. to write a summary file.
    func finish()
}

extension EventSink {
    public func finish() {}
}

/// Fans events out to every sink, through the run's redactor: whatever a step says, a secret
/// never reaches output.
///
/// Thread-safe for emitting: an index build reports progress from its monitor thread while the
/// step's own thread says what it does, and sinks (renderers writing one line at a time) are not
/// thread-safe, so the sinks live in a mutex and every delivery happens holding it.
public final class Reporter: Sendable {
    private let sinks: Mutex<[any EventSink]>
    private let secrets: Mutex<Redactor>

    /// The sinks are handed over: from here on they are used only holding the mutex. A caller
    /// may keep a reference to read a sink once the run is over (a test's collected events).
    public init(sinks: [any EventSink], redactor: Redactor = Redactor()) {
        nonisolated(unsafe) let handedOver = sinks
        self.sinks = Mutex(handedOver)
        secrets = Mutex(redactor)
    }

    /// What every event is redacted with.
    public var redactor: Redactor { secrets.withLock { $0 } }

    /// Adds a secret to redact from every event after this one.
    public func redact(_ secret: String) { secrets.withLock { $0.add(secret) } }

    public func emit(_ event: RunEvent) {
        let safe = redact(event)
        sinks.withLock { sinks in
            for sink in sinks { sink.receive(safe) }
        }
    }

    public func finish() {
        sinks.withLock { sinks in
            for sink in sinks { sink.finish() }
        }
    }

    /// Shorthand for a step's message.
    public func say(_ index: Int?, _ level: Message.Level = .info, _ text: String, sql: String? = nil, location: String? = nil) {
        emit(.message(index: index, Message(level, text, sql: sql, location: location)))
    }

    private func redact(_ event: RunEvent) -> RunEvent {
        // Secrets out, and terminal control characters from others (server, child, files) escaped.
        let redactor = redactor
        let redact = { (text: String) in TerminalText.sanitized(redactor.redact(text)) }
        switch event {
        case .runStarted(let plan, let file, let dryRun, let target):
            var shown = target
            shown.source = redact(target.source)
            shown.environment = target.environment.map(redact)
            if var endpoint = target.endpoint {
                endpoint.host = redact(endpoint.host)
                endpoint.database = redact(endpoint.database)
                endpoint.user = redact(endpoint.user)
                shown.endpoint = endpoint
            }
            return .runStarted(plan: redact(plan), file: file.map(redact), dryRun: dryRun, target: shown)
        case .stepStarted(let index, let name, let kind):
            return .stepStarted(index: index, name: redact(name), kind: kind)
        case .stepFinished(let index, let name, let kind, let outcome, let seconds):
            return .stepFinished(index: index, name: redact(name), kind: kind, outcome: outcome, seconds: seconds)
        case .runFinished(var summary):
            summary.plan = redact(summary.plan)
            return .runFinished(summary)
        case .message(let index, var message):
            message.text = redact(message.text)
            message.sql = message.sql.map(redact)
            message.location = message.location.map(redact)
            return .message(index: index, message)
        case .action(let index, var action, let dryRun):
            action.summary = redact(action.summary)
            action.sql = action.sql.map(redact)
            action.location = action.location.map(redact)
            return .action(index: index, action, dryRun: dryRun)
        case .progress(let index, var progress):
            progress.phase = redact(progress.phase)
            progress.detail = progress.detail.map(redact)
            return .progress(index: index, progress)
        case .migrationStatus(var report):
            report.folder = redact(report.folder)
            return .migrationStatus(report)
        case .migrationApplied(let index, let name):
            return .migrationApplied(index: index, name: redact(name))
        case .finding(let index, var finding):
            finding.message = redact(finding.message)
            finding.location = finding.location.map(redact)
            finding.lock = finding.lock.map(redact)
            finding.safer = finding.safer.map(redact)
            return .finding(index: index, finding)
        }
    }
}
