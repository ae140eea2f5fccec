import Glibc
import PlanModel

/// `--summary FILE`: a Markdown report for a CI step summary or a PR comment, written at the end
/// of the run (appended, as GitHub's $GITHUB_STEP_SUMMARY expects).
public final class MarkdownSummary: EventSink {
    private struct StepReport {
        var index: Int
        var name: String
        var kind: String
        var outcome: StepOutcome?
        var seconds: Double = 0
        var messages: [Message] = []
    }

    private let path: String
    private var plan = ""
    private var dryRun = false
    private var target: RunTarget?
    private var steps: [StepReport] = []
    private var runMessages: [Message] = []
    /// Risks the steps found, in the order reported (the report opens with them).
    private var findings: [(step: Int?, finding: Finding)] = []
    private var summary: RunSummary?

    public init(path: String) { self.path = path }

    public func receive(_ event: RunEvent) {
        switch event {
        case .runStarted(let plan, _, let dryRun, let target):
            self.plan = plan
            self.dryRun = dryRun
            self.target = target
        case .stepStarted(let index, let name, let kind):
            steps.append(StepReport(index: index, name: name, kind: kind))
        case .message(let index, let message):
            if let index, let position = steps.lastIndex(where: { $0.index == index }) {
                steps[position].messages.append(message)
            } else {
                runMessages.append(message)
            }
        case .action(let index, let action, let dryRun):
            let message = Message(.info, (dryRun ? "would " : "") + action.summary, sql: action.sql, location: action.location)
            if let position = steps.lastIndex(where: { $0.index == index }) { steps[position].messages.append(message) }
        case .progress:
            break
        case .stepFinished(let index, _, _, let outcome, let seconds):
            if let position = steps.lastIndex(where: { $0.index == index }) {
                steps[position].outcome = outcome
                steps[position].seconds = seconds
            }
        case .runFinished(let summary):
            self.summary = summary
        case .migrationStatus, .migrationApplied:
            break
        case .finding(let index, let finding):
            findings.append((index, finding))
        }
    }

    public func finish() {
        // Appended (created if missing), as GitHub's $GITHUB_STEP_SUMMARY expects; a summary
        // that cannot be written is not worth failing the run for.
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        OutputStream(fileDescriptor: descriptor).write(render())
    }

    public func render() -> String {
        var lines: [String] = []
        let mode = dryRun ? " — dry-run" : ""
        lines.append("## plan \(Self.inlineCode(plan))\(mode)")
        lines.append("")
        if let target {
            lines.append("Target: `\(target.endpoint?.summary ?? "(unparsable connection string)")`, from \(target.source)")
            lines.append("")
        }
        if dryRun { lines.append("> Dry-run: nothing was written. This is what a real run would do.\n") }
        if !findings.isEmpty {
            lines.append("| risk | rule | where | what |")
            lines.append("|------|------|-------|------|")
            let ordered = findings.enumerated().sorted {
                ($0.element.finding.severity, $1.offset) > ($1.element.finding.severity, $0.offset)
            }
            for (_, (_, finding)) in ordered {
                let ack = finding.acknowledged ? " (acknowledged)" : ""
                let location = finding.location.map(Self.inlineCode) ?? ""
                lines.append(
                    "| \(finding.severity.rawValue)\(ack) | \(Self.inlineCode(finding.code)) | \(location) | \(Self.cell(finding.message)) |"
                )
            }
            lines.append("")
        }
        lines.append("| # | step | outcome | time |")
        lines.append("|---|------|---------|------|")
        for step in steps {
            let outcome = step.outcome.map(Self.label) ?? "not finished"
            lines.append("| \(step.index) | \(Self.cell(step.name)) | \(outcome) | \(Units.elapsed(seconds: step.seconds)) |")
        }
        lines.append("")
        for message in runMessages { lines.append(Self.bullet(message)) }
        for step in steps where !step.messages.isEmpty {
            lines.append("### \(step.index). \(Self.escaped(step.name))")
            lines.append("")
            for message in step.messages {
                lines.append(Self.bullet(message))
                if let sql = message.sql {
                    // A fence longer than any run of backticks in the SQL: a migration from a
                    // pull request cannot close the block and write Markdown of its own.
                    let fence = String(repeating: "`", count: max(3, Self.longestRun(of: "`", in: sql) + 1))
                    lines.append("")
                    lines.append("  " + fence + "sql")
                    for line in sql.lines() { lines.append("  " + line) }
                    lines.append("  " + fence)
                }
            }
            lines.append("")
        }
        if let summary {
            let verdict = summary.exitCode == 0 ? "**OK**" : "**FAILED** (exit \(summary.exitCode))"
            let counts =
                summary.dryRun
                ? "\(summary.wouldRun) would run, \(summary.wouldFail) would fail, \(summary.skipped) skipped"
                : "\(summary.done) done, \(summary.failed) failed, \(summary.skipped) skipped"
            lines.append("\(verdict): \(counts).")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func label(_ outcome: StepOutcome) -> String {
        switch outcome {
        case .done: "✅ done"
        case .skipped: "⏭️ skipped"
        case .failed: "❌ failed"
        case .wouldRun: "▶️ would run"
        case .wouldFail: "❌ would fail"
        }
    }

    private static func bullet(_ message: Message) -> String {
        let marker: String
        switch message.level {
        case .info: marker = ""
        case .warning: marker = "⚠️ "
        case .error: marker = "❌ "
        }
        let location = message.level == .info ? "" : message.location.map { inlineCode($0) + ": " } ?? ""
        return "- " + marker + location + message.text.lines().map(escaped).joined(separator: "\n  ")
    }

    private static func cell(_ text: String) -> String { escaped(text) }

    /// Text shown as written: the characters that make links, images, HTML, code spans, emphasis
    /// and table cells escaped, so a step name, a server message or a child's output cannot add
    /// any of them to a CI page.
    public static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            case "\n", "\r": result += " "
            case "\\", "`", "*", "[", "]", "|", "~":
                result += "\\" + String(character)
            default: result.append(character)
            }
        }
        return result
    }

    /// A code span whose delimiters are longer than any run of backticks inside it.
    static func inlineCode(_ text: String) -> String {
        let flat = text.replacing("\n", with: " ").replacing("\r", with: " ")
        let fence = String(repeating: "`", count: longestRun(of: "`", in: flat) + 1)
        let padding = flat.hasPrefix("`") || flat.hasSuffix("`") ? " " : ""
        return fence + padding + flat + padding + fence
    }

    static func longestRun(of mark: Character, in text: String) -> Int {
        var longest = 0
        var current = 0
        for character in text {
            current = character == mark ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }
}
