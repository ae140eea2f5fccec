import PlanModel

/// `--format github`: the text output, plus a workflow annotation for every warning, failure
/// and finding, at the file, line and column it is about (a migration's `migration.sql`), so
/// GitHub shows it on the pull request's diff. Written to standard output, where the runner
/// reads workflow commands; the text renderer it accompanies prints everything else.
public final class GitHubAnnotations: EventSink {
    private let out: OutputStream

    public init(out: OutputStream = .standardOutput) { self.out = out }

    public func receive(_ event: RunEvent) {
        if let annotation = Self.annotation(for: event) { out.write(annotation.rendered) }
    }

    static func annotation(for event: RunEvent) -> GitHubAnnotation? {
        switch event {
        case .message(_, let message):
            switch message.level {
            case .info: return nil
            case .warning: return GitHubAnnotation(.warning, message.text, location: message.location)
            case .error: return GitHubAnnotation(.error, message.text, location: message.location)
            }
        case .finding(_, let finding):
            // A finding the author acknowledged is a note; the rest are as grave as they are.
            let level: GitHubAnnotation.Level =
                finding.acknowledged ? .notice : (finding.severity == .high ? .error : finding.severity == .medium ? .warning : .notice)
            var text = finding.message
            if let lock = finding.lock { text += "\nLock: \(lock)" }
            if let safer = finding.safer { text += "\nSafer: \(safer)" }
            return GitHubAnnotation(level, text, location: finding.location, title: "plan: \(finding.code)")
        default:
            return nil
        }
    }
}
