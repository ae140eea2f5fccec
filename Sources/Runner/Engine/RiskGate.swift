import Synchronization

/// `--fail-on-risk LEVEL`: the dry-run exits 1 when a step reported a finding at or above the
/// level that nobody acknowledged. Without the option, findings are reported and never gate, as
/// a preview should; with it, the dry-run is the CI check squawk and strong_migrations users
/// expect (they fail by default; plan lets the pipeline choose the level).
public final class RiskGate: EventSink, Sendable {
    public let threshold: Finding.Severity
    private let gating = Mutex<[Finding]>([])

    public init(threshold: Finding.Severity) {
        self.threshold = threshold
    }

    public func receive(_ event: RunEvent) {
        guard case .finding(_, let finding) = event, !finding.acknowledged, finding.severity >= threshold else { return }
        gating.withLock { $0.append(finding) }
    }

    /// The unacknowledged findings at or above the threshold, in the order they were reported.
    public var blockingFindings: [Finding] { gating.withLock { $0 } }

    /// What the run says before it ends, when the gate closes.
    public var verdict: String? {
        let findings = blockingFindings
        guard !findings.isEmpty else { return nil }
        let codes = findings.map(\.code).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return "\(findings.count) unacknowledged finding(s) at or above \(threshold.rawValue) (\(codes.joined(separator: ", "))): "
            + "--fail-on-risk \(threshold.rawValue) fails the dry-run. Make the migration safer, or acknowledge a finding with "
            + "`-- plan: ack <code>: <why>` above its statement or `acknowledge: [<code>]` on the step"
    }
}
