import PlanModel

/// Human output: one line per step start and end, its messages indented beneath. Colour only on
/// a terminal and without NO_COLOR; a progress bar redraws one line on a terminal only.
public final class TextRenderer: EventSink {
    private let out: OutputStream
    private let err: OutputStream
    private let colour: Bool
    private let live: Bool
    private var progressShown = false
    private var totalSteps: Int?

    public init(out: OutputStream = .standardOutput, err: OutputStream = .standardError, environment: [String: String]) {
        self.out = out
        self.err = err
        colour = out.isTerminal && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
        live = out.isTerminal
    }

    public func receive(_ event: RunEvent) {
        switch event {
        case .runStarted(let plan, _, let dryRun, let target):
            let mode = dryRun ? paint(" (dry-run: nothing will be written)", .yellow) : ""
            out.write(bold("plan \(plan)") + mode + "\n")
            out.write("    target: " + target.summary + "\n")
        case .stepStarted(let index, let name, let kind):
            clearProgress()
            let label = name == kind ? kind : "\(name) (\(kind))"
            out.write(paint("[\(index)]", .cyan) + " " + bold(label) + "\n")
        case .message(_, let message):
            clearProgress()
            let prefix: String
            switch message.level {
            case .info: prefix = "    "
            case .warning: prefix = "    " + paint("warning:", .yellow) + " "
            case .error: prefix = "    " + paint("error:", .red) + " "
            }
            // A location helps find a problem; on every passing line it is noise.
            let location = message.level == .info ? "" : message.location.map { $0 + ": " } ?? ""
            let text = prefix + location + message.text.lines().joined(separator: "\n      ") + "\n"
            if message.level == .error { err.write(text) } else { out.write(text) }
            if let sql = message.sql {
                let indented = sql.lines().map { "      " + paint($0, .dim) }.joined(separator: "\n")
                out.write(indented + "\n")
            }
        case .action(_, let action, let dryRun):
            clearProgress()
            let lead = dryRun ? "would " : "→ "
            out.write("    " + lead + action.summary.lines().joined(separator: "\n      ") + "\n")
            // A run says what starts; the SQL it sends is the dry-run's to show (and JSON's).
            if dryRun, let sql = action.sql {
                out.write(sql.lines().map { "      " + paint($0, .dim) }.joined(separator: "\n") + "\n")
            }
        case .progress(_, let progress):
            guard live else { return }
            out.write("\r\u{1B}[2K    " + bar(progress))
            progressShown = true
        case .stepFinished(_, let name, _, let outcome, let seconds):
            clearProgress()
            let mark: String
            switch outcome {
            case .done: mark = paint("✓ done", .green)
            case .skipped: mark = paint("– skipped", .dim)
            case .failed: mark = paint("✗ failed", .red)
            case .wouldRun: mark = paint("→ would run", .cyan)
            case .wouldFail: mark = paint("✗ would fail", .red)
            }
            out.write("    \(mark) \(name) in \(Units.elapsed(seconds: seconds))\n")
        case .runFinished(let summary):
            var parts: [String] = []
            if summary.dryRun {
                parts.append("\(summary.wouldRun) would run")
                if summary.wouldFail > 0 { parts.append("\(summary.wouldFail) would fail") }
            } else {
                parts.append("\(summary.done) done")
                if summary.failed > 0 { parts.append("\(summary.failed) failed") }
            }
            parts.append("\(summary.skipped) skipped")
            let verdict = summary.exitCode == 0 ? paint("ok", .green) : paint("failed", .red)
            out.write("\(verdict): " + parts.joined(separator: ", ") + " in \(Units.elapsed(seconds: summary.seconds))\n")
        case .migrationStatus, .migrationApplied:
            // Said in words by the step's messages; the data is for JSON.
            break
        case .finding(_, let finding):
            clearProgress()
            let colour: Colour = finding.severity == .high && !finding.acknowledged ? .red : .yellow
            let ack = finding.acknowledged ? " (acknowledged)" : ""
            var text = "    " + paint("risk \(finding.severity.rawValue)\(ack):", colour) + " "
            text += finding.location.map { $0 + ": " } ?? ""
            text += "[\(finding.code)] " + finding.message.lines().joined(separator: "\n      ") + "\n"
            if let lock = finding.lock { text += "      lock: \(lock)\n" }
            if let safer = finding.safer { text += "      safer: " + safer.lines().joined(separator: "\n        ") + "\n" }
            out.write(text)
        }
    }

    private func bar(_ progress: Progress) -> String {
        let detail = progress.detail.map { " " + $0 } ?? ""
        guard let percent = progress.percent else { return progress.phase + detail }
        let width = 24
        let filled = max(0, min(width, Int((percent / 100 * Double(width)).rounded())))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            + Units.fixed(percent, fractionDigits: 0, width: 3) + "% " + progress.phase + detail
    }

    private func clearProgress() {
        if progressShown {
            out.write("\r\u{1B}[2K")
            progressShown = false
        }
    }

    private enum Colour: String {
        case red = "31"
        case green = "32"
        case yellow = "33"
        case cyan = "36"
        case dim = "2"
    }

    private func paint(_ text: String, _ colour: Colour) -> String {
        self.colour ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }

    private func bold(_ text: String) -> String {
        colour ? "\u{1B}[1m\(text)\u{1B}[0m" : text
    }
}
