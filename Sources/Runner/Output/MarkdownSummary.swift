import Glibc
import PlanModel

/// `--summary FILE` (and `$GITHUB_STEP_SUMMARY`): a Markdown report for a CI step summary or a
/// PR comment, written at the end of the run (appended, as GitHub expects). Laid out for a
/// reviewer: the target, the environment and the verdict first, then the risks found (worst
/// first), then one table of the steps, then each step's details with its SQL collapsed. Every
/// part has a budget and says what it left out, so the report of any history fits GitHub's
/// 1 MiB limit and the report of a long one stays short.
public final class MarkdownSummary: EventSink {
    /// How much of each kind the report shows.
    public struct Limits: Sendable {
        /// Bytes of collapsed items (a migration's or a statement's SQL) in the whole report;
        /// the items past it are listed by name.
        public var itemBytes = 48_000
        /// Lines of one SQL body.
        public var sqlLines = 40
        /// Rows of the findings table.
        public var findings = 50
        /// Plain lines per step, and warnings and errors per step.
        public var infoLines = 25
        public var problemLines = 100
        /// Characters of one message.
        public var messageLength = 1_500
        /// Names listed per step for the items past the budget.
        public var hiddenNames = 100
        /// The whole report: GitHub refuses a step summary over 1 MiB.
        public var totalBytes = 1_000_000

        public init() {}
    }

    private struct StepReport {
        var index: Int
        var name: String
        var kind: String
        var outcome: StepOutcome?
        var seconds: Double = 0
        var messages: [Message] = []
        /// Which of `messages` are a dry-run's actions: each its own collapsed item.
        var actions: Set<Int> = []
        var findings = 0
    }

    private let path: String
    private let limits: Limits
    private var plan = ""
    private var file: String?
    private var dryRun = false
    private var target: RunTarget?
    private var steps: [StepReport] = []
    private var runMessages: [Message] = []
    /// Risks the steps found, in the order reported.
    private var findings: [Finding] = []
    private var summary: RunSummary?

    public init(path: String, limits: Limits = Limits()) {
        self.path = path
        self.limits = limits
    }

    public func receive(_ event: RunEvent) {
        switch event {
        case .runStarted(let plan, let file, let dryRun, let target):
            self.plan = plan
            self.file = file
            self.dryRun = dryRun
            self.target = target
        case .stepStarted(let index, let name, let kind):
            steps.append(StepReport(index: index, name: name, kind: kind))
        case .message(let index, let message):
            if let position = position(of: index) {
                steps[position].messages.append(message)
            } else {
                runMessages.append(message)
            }
        case .action(let index, let action, let dryRun):
            // A dry-run shows what would run and its SQL, collapsed; a run says what started, as
            // the text output does (its SQL is the dry-run's to show).
            guard let position = position(of: index) else { break }
            if dryRun {
                steps[position].messages.append(Message(.info, "would " + action.summary, sql: action.sql ?? "", location: action.location))
                steps[position].actions.insert(steps[position].messages.count - 1)
            } else {
                steps[position].messages.append(Message(.info, action.summary.lines().first ?? "", location: action.location))
            }
        case .progress, .migrationStatus:
            break
        case .stepFinished(let index, _, _, let outcome, let seconds):
            if let position = position(of: index) {
                steps[position].outcome = outcome
                steps[position].seconds = seconds
            }
        case .runFinished(let summary):
            self.summary = summary
        case .migrationApplied:
            break
        case .finding(let index, let finding):
            findings.append(finding)
            if let position = position(of: index) { steps[position].findings += 1 }
        }
    }

    private func position(of index: Int?) -> Int? {
        index.flatMap { index in steps.lastIndex { $0.index == index } }
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
        var budget = limits.itemBytes
        var report = ""
        var dropped = 0
        // Each section is bounded; this bounds their sum, leaving whole sections out so that no
        // code block or <details> is left open.
        func add(_ section: String) {
            guard !section.isEmpty else { return }
            guard report.utf8.count + section.utf8.count + 200 <= limits.totalBytes else {
                dropped += 1
                return
            }
            report += section
        }
        add(header())
        add(findingsTable())
        add(stepsTable())
        if !runMessages.isEmpty { add(lines(runMessages) + "\n") }
        for step in steps where !step.messages.isEmpty {
            // Not even rendered once the report is full.
            guard dropped == 0 else {
                dropped += 1
                continue
            }
            add(details(of: step, budget: &budget))
        }
        if dropped > 0 {
            report += "*\(dropped) more section(s) left out: GitHub takes at most 1 MiB of step summary. The job's log has everything.*\n\n"
        }
        return report
    }

    // MARK: - The top: target, environment, verdict, risks, steps

    private func header() -> String {
        var text = "## plan \(MarkdownText.inlineCode(plan))\(dryRun ? " — dry-run" : "")\n\n"
        text += "| | |\n|---|---|\n"
        if let target {
            let database = target.endpoint.map { MarkdownText.inlineCode($0.summary) + ", from " } ?? ""
            text += "| target | \(database)\(MarkdownText.escaped(target.source)) |\n"
            text += "| environment | \(target.environment.map(MarkdownText.inlineCode) ?? "default (no `--env`)") |\n"
        }
        if let file { text += "| plan file | \(MarkdownText.inlineCode(file)) |\n" }
        text += "| result | \(verdictText()) |\n\n"
        if dryRun { text += "> Dry-run: nothing was written. This is what a real run would do.\n\n" }
        return text
    }

    private func verdictText() -> String {
        guard let summary else { return "not finished" }
        let verdict = summary.exitCode == 0 ? "**OK**" : "**FAILED** (exit \(summary.exitCode))"
        let counts =
            summary.dryRun
            ? "\(summary.wouldRun) would run, \(summary.wouldFail) would fail, \(summary.skipped) skipped"
            : "\(summary.done) done, \(summary.failed) failed, \(summary.skipped) skipped"
        return "\(verdict): \(counts)"
    }

    private func findingsTable() -> String {
        guard !findings.isEmpty else { return "" }
        // Worst first; in the order found within a severity.
        let ordered = findings.enumerated().sorted {
            ($0.element.severity, $1.offset) > ($1.element.severity, $0.offset)
        }.map(\.element)
        var text = "### Findings\n\n| risk | rule | where | what |\n|------|------|-------|------|\n"
        for finding in ordered.prefix(limits.findings) {
            var what = finding.message
            if let lock = finding.lock { what += " · lock: \(lock)" }
            if let safer = finding.safer { what += " · safer: \(safer)" }
            let risk = Self.label(finding.severity) + (finding.acknowledged ? " (acknowledged)" : "")
            text +=
                "| \(risk) | \(MarkdownText.inlineCode(finding.code)) | \(finding.location.map(MarkdownText.inlineCode) ?? "") | \(cell(what)) |\n"
        }
        let rest = ordered.dropFirst(limits.findings)
        if !rest.isEmpty {
            let bySeverity = [Finding.Severity.high, .medium, .low].compactMap { severity -> String? in
                let count = rest.filter { $0.severity == severity }.count
                return count == 0 ? nil : "\(count) \(severity.rawValue)"
            }
            text +=
                "\n*… \(MarkdownText.count(rest.count)) more (\(bySeverity.joined(separator: ", "))): `--format json` lists every one.*\n"
        }
        return text + "\n"
    }

    private func stepsTable() -> String {
        guard !steps.isEmpty else { return "" }
        var text = "### Steps\n\n| # | step | outcome | time | notes |\n|---|------|---------|------|-------|\n"
        for step in steps {
            let outcome = step.outcome.map(Self.label) ?? "not finished"
            var notes: [String] = []
            let errors = step.messages.filter { $0.level == .error }.count
            let warnings = step.messages.filter { $0.level == .warning }.count
            if errors > 0 { notes.append("❌ \(errors) error\(errors == 1 ? "" : "s")") }
            if warnings > 0 { notes.append("⚠️ \(warnings) warning\(warnings == 1 ? "" : "s")") }
            if step.findings > 0 { notes.append("\(step.findings) finding\(step.findings == 1 ? "" : "s")") }
            text +=
                "| \(step.index) | \(cell(step.name)) | \(outcome) | \(Units.elapsed(seconds: step.seconds)) | \(notes.joined(separator: ", ")) |\n"
        }
        return text + "\n"
    }

    // MARK: - A step's details

    /// What a step said, laid out: plain messages as bullets; a message with SQL as a collapsed
    /// item, gathered under the line before it when that line names a file (a migration and
    /// the units of it), so nothing is described twice.
    private enum Block {
        case line(Message)
        case item(heading: Message?, parts: [Message])
    }

    private static func blocks(_ messages: [Message], actions: Set<Int>) -> [Block] {
        var blocks: [Block] = []
        // A line that may head the SQL after it, and whether the last item still takes parts.
        var heading: Int?
        var open = false
        for (offset, message) in messages.enumerated() {
            if actions.contains(offset) {
                // The first line of what it does heads it; the rest (a migration's units) and its SQL are inside.
                let lines = message.text.lines()
                let body = Message(.info, lines.dropFirst().joined(separator: "\n"), sql: message.sql)
                blocks.append(.item(heading: Message(.info, lines.first ?? "", location: message.location), parts: [body]))
                heading = nil
                open = false
                continue
            }
            guard message.sql != nil else {
                blocks.append(.line(message))
                open = false
                if message.level == .info { heading = message.location == nil ? nil : blocks.count - 1 }
                continue
            }
            if let start = heading, case .line(let line) = blocks[start] {
                // Warnings said between the heading and its SQL (a migration's notes) stay in view.
                let between = blocks[(start + 1)...]
                blocks.removeSubrange(start...)
                blocks += between
                blocks.append(.item(heading: line, parts: [message]))
                heading = nil
                open = true
            } else if open, case .item(let line, let parts) = blocks[blocks.count - 1] {
                blocks[blocks.count - 1] = .item(heading: line, parts: parts + [message])
            } else {
                blocks.append(.item(heading: nil, parts: [message]))
            }
        }
        return blocks
    }

    private func details(of step: StepReport, budget: inout Int) -> String {
        let blocks = Self.blocks(step.messages, actions: step.actions)
        // The budget goes to the last items first: in a pull request's preview the newest
        // migrations are the ones under review, the oldest the ones listed by name.
        var rendered: [Int: String] = [:]
        for (offset, block) in blocks.enumerated().reversed() {
            guard case .item(let heading, let parts) = block else { continue }
            let item = self.item(heading: heading, parts: parts)
            guard item.utf8.count <= budget else {
                budget = 0
                break
            }
            budget -= item.utf8.count
            rendered[offset] = item
        }
        var text = "### \(step.index). \(MarkdownText.escaped(step.name))\n\n"
        var shownInfo = 0
        var hiddenInfo = 0
        var shownProblems = 0
        var hiddenProblems = 0
        // The items left out are a run of the oldest: listed together where the first was.
        let hidden: [String] = blocks.indices.compactMap { offset in
            guard case .item(let heading, let parts) = blocks[offset], rendered[offset] == nil else { return nil }
            return name(of: heading ?? parts[0])
        }
        var listedHidden = false
        var inList = false
        for (offset, block) in blocks.enumerated() {
            switch block {
            case .line(let message):
                if message.level == .info {
                    guard shownInfo < limits.infoLines else {
                        hiddenInfo += 1
                        continue
                    }
                    shownInfo += 1
                } else {
                    guard shownProblems < limits.problemLines else {
                        hiddenProblems += 1
                        continue
                    }
                    shownProblems += 1
                }
                text += bullet(message) + "\n"
                inList = true
            case .item:
                let item = rendered[offset] ?? (listedHidden ? "" : hiddenList(hidden))
                listedHidden = listedHidden || rendered[offset] == nil
                guard !item.isEmpty else { continue }
                if inList { text += "\n" }
                inList = false
                text += item
            }
        }
        if inList { text += "\n" }
        if hiddenInfo > 0 || hiddenProblems > 0 {
            let parts = [
                hiddenProblems > 0 ? "\(MarkdownText.count(hiddenProblems)) warnings and errors" : nil,
                hiddenInfo > 0 ? "\(MarkdownText.count(hiddenInfo)) other lines" : nil,
            ].compactMap { $0 }
            text += "*… \(parts.joined(separator: " and ")) more: the job's log has every line.*\n\n"
        }
        return text
    }

    /// The items the budget left out, by name.
    private func hiddenList(_ names: [String]) -> String {
        var text =
            "<details><summary>\(MarkdownText.count(names.count)) listed by name only: their SQL is left out to keep this summary short</summary>\n\n"
        for name in names.prefix(limits.hiddenNames) { text += "- \(name)\n" }
        if names.count > limits.hiddenNames { text += "- … and \(MarkdownText.count(names.count - limits.hiddenNames)) more\n" }
        return text + "\nThe job's log shows each with its SQL.\n\n</details>\n\n"
    }

    /// `<details>` with the heading (or the message) as its summary and each part's text and SQL inside.
    private func item(heading: Message?, parts: [Message]) -> String {
        var text = "<details><summary>\(summaryLine(heading ?? parts[0]))</summary>\n\n"
        for part in parts {
            if (heading != nil || parts.count > 1) && !part.text.isEmpty {
                let lines = clip(part.text).lines().map { MarkdownText.escaped(String($0.drop { $0 == " " })) }
                text += (lines.count == 1 ? lines : lines.map { "- " + $0 }).joined(separator: "\n") + "\n\n"
            }
            if let sql = part.sql, !sql.isEmpty {
                text += MarkdownText.codeBlock(sql, language: "sql", maximumLines: limits.sqlLines) + "\n"
            }
        }
        return text + "</details>\n\n"
    }

    /// A migration's heading (`NAME: how it runs`, at `…/NAME/migration.sql`) with its name as
    /// code; any other message as it is.
    private func summaryLine(_ message: Message) -> String {
        let text = clip(message.text.lines().first ?? "")
        if let name = Self.migrationName(message), let range = text.firstRange(of: name) {
            return MarkdownText.html(String(text[..<range.lowerBound])) + "<code>\(MarkdownText.html(name))</code>"
                + MarkdownText.html(String(text[range.upperBound...]))
        }
        return MarkdownText.html(text)
    }

    private func name(of message: Message) -> String {
        if let name = Self.migrationName(message) { return MarkdownText.inlineCode(name) }
        return MarkdownText.escaped(MarkdownText.clipped(message.text.lines().first ?? "", to: 120))
    }

    /// The folder of a `…/NAME/migration.sql` location.
    private static func migrationName(_ message: Message) -> String? {
        guard let location = message.location else { return nil }
        let components = location.split(separator: "/", omittingEmptySubsequences: false)
        guard components.count >= 2, components[components.count - 1].hasPrefix("migration.sql") else { return nil }
        return String(components[components.count - 2])
    }

    private func lines(_ messages: [Message]) -> String {
        messages.prefix(limits.problemLines).map(bullet).joined(separator: "\n") + "\n"
    }

    private func bullet(_ message: Message) -> String {
        let marker: String
        switch message.level {
        case .info: marker = ""
        case .warning: marker = "⚠️ "
        case .error: marker = "❌ "
        }
        let location = message.level == .info ? "" : message.location.map { MarkdownText.inlineCode($0) + ": " } ?? ""
        return "- " + marker + location + clip(message.text).lines().map(MarkdownText.escaped).joined(separator: "\n  ")
    }

    private func clip(_ text: String) -> String { MarkdownText.clipped(text, to: limits.messageLength) }

    private func cell(_ text: String) -> String { MarkdownText.escaped(clip(text)) }

    private static func label(_ outcome: StepOutcome) -> String {
        switch outcome {
        case .done: "✅ done"
        case .skipped: "⏭️ skipped"
        case .failed: "❌ failed"
        case .wouldRun: "▶️ would run"
        case .wouldFail: "❌ would fail"
        }
    }

    private static func label(_ severity: Finding.Severity) -> String {
        switch severity {
        case .high: "🔴 high"
        case .medium: "🟠 medium"
        case .low: "🟡 low"
        }
    }
}
