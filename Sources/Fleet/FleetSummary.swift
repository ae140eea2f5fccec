import Runner

/// The end of a fleet run, as data, and its renderings: a text table, JSON lines, Markdown.
/// Rows are failures first (then interrupted, not started, done), each group in list order.
public struct FleetSummary: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `plan run --targets`: outcome, migrations applied, time.
        case run(dryRun: Bool)
        /// `plan status --targets`: up to date / pending / failed per target.
        case status
    }

    public var kind: Kind
    public var results: [TargetResult]
    public var seconds: Double
    public var stopReason: StopReason?
    public var exitCode: Int32

    public init(kind: Kind, results: [TargetResult], seconds: Double, stopReason: StopReason?, exitCode: Int32) {
        self.kind = kind
        self.results = results
        self.seconds = seconds
        self.stopReason = stopReason
        self.exitCode = exitCode
    }

    /// Failures first; otherwise the order the targets were listed in.
    public var rows: [TargetResult] {
        results.enumerated().sorted { ($0.element.outcome.rank, $0.offset) < ($1.element.outcome.rank, $1.offset) }.map(\.element)
    }

    public func count(_ outcome: TargetOutcome) -> Int { results.filter { $0.outcome == outcome }.count }

    /// `99 done, 1 failed, 0 not started`: every outcome that occurred, and `done` always.
    public var counts: String {
        TargetOutcome.allCases.compactMap { outcome in
            let count = count(outcome)
            guard count > 0 || outcome == .done else { return nil }
            return "\(count) \(outcome.rawValue.replacing("-", with: " "))"
        }.joined(separator: ", ")
    }

    // MARK: Text

    public func text() -> String {
        var lines: [[String]] = []
        switch kind {
        case .run:
            lines.append(["target", "outcome", "migrations", "time", "error"])
            for row in rows {
                lines.append([
                    row.target, row.outcome.rawValue, migrationsCell(row),
                    row.outcome == .notStarted ? "" : Self.seconds(row.seconds), row.error.map(Self.oneLine) ?? "",
                ])
            }
        case .status:
            lines.append(["target", "status", "error"])
            for row in statusRows { lines.append([row.target, row.statusText, row.error.map(Self.oneLine) ?? ""]) }
        }
        var text = Self.table(lines)
        text += footer() + "\n"
        return text
    }

    /// Migrations applied; nothing for a target that did not start, and `–` in a dry-run, which
    /// applies none.
    func migrationsCell(_ row: TargetResult) -> String {
        if row.outcome == .notStarted { return "" }
        if case .run(dryRun: true) = kind { return "–" }
        return String(row.migrationsApplied)
    }

    /// Status rows: failed and pending first, then up to date.
    var statusRows: [TargetResult] {
        func rank(_ row: TargetResult) -> Int {
            guard let status = row.status, row.outcome == .done || row.outcome == .failed else { return 0 }
            if !status.hasTable || status.failed > 0 { return 0 }
            return status.pending > 0 ? 1 : 2
        }
        return results.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }

    func footer() -> String {
        let total = "\(results.count) target(s) in \(Self.seconds(seconds))"
        switch kind {
        case .run(let dryRun):
            var line = (dryRun ? "dry-run: " : "") + "\(counts); \(total)"
            if let stopReason { line += "; stopped: \(stopReason)" }
            return line
        case .status:
            let upToDate = results.filter { $0.statusText == "up to date" }.count
            return "\(upToDate) of \(results.count) up to date; \(total)"
        }
    }

    /// Columns padded to their widest cell; the last column is not padded.
    static func table(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        var widths = [Int](repeating: 0, count: first.count)
        for row in rows { for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) } }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n") + "\n"
    }

    static func seconds(_ value: Double) -> String {
        let tenths = (value * 100).rounded() / 100
        return "\(tenths)s"
    }

    /// A multi-line error as its first line (the table has one line per target).
    static func oneLine(_ text: String) -> String {
        let first = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? text
        return first.count > 200 ? String(first.prefix(199)) + "…" : first
    }

    // MARK: JSON lines

    /// `target_finished` for one target, as it ends.
    public static func event(_ result: TargetResult, kind: Kind) -> String {
        var fields: [(String, JSONValue)] = [
            ("event", .string("target_finished")), ("target", .string(result.target)),
            ("group", result.group.map(JSONValue.string) ?? .null), ("host", .string(result.host)),
            ("outcome", .string(result.outcome.rawValue)), ("exit_code", result.exitCode.map { .int(Int($0)) } ?? .null),
            ("migrations_applied", .int(result.migrationsApplied)), ("seconds", .number(result.seconds)),
            ("error", result.error.map(JSONValue.string) ?? .null),
        ]
        if case .status = kind, let status = result.status {
            fields.append(
                (
                    "status",
                    .object([
                        ("has_table", .bool(status.hasTable)), ("up_to_date", .bool(status.upToDate)), ("applied", .int(status.applied)),
                        ("pending", .int(status.pending)), ("failed", .int(status.failed)),
                    ])
                ))
        }
        return JSONValue.object(fields).rendered
    }

    /// The last line: `fleet_summary`.
    public func summaryEvent() -> String {
        var fields: [(String, JSONValue)] = [("event", .string("fleet_summary")), ("targets", .int(results.count))]
        for outcome in TargetOutcome.allCases { fields.append((outcome.rawValue.replacing("-", with: "_"), .int(count(outcome)))) }
        fields += [
            ("stopped", stopReason.map { .string($0.description) } ?? .null), ("seconds", .number(seconds)),
            ("exit_code", .int(Int(exitCode))),
        ]
        return JSONValue.object(fields).rendered
    }

    // MARK: Markdown

    public func markdown(title: String) -> String {
        var lines = ["## \(MarkdownText.escaped(title))", ""]
        switch kind {
        case .run:
            lines += ["| target | outcome | migrations | time | error |", "|---|---|---:|---:|---|"]
            for row in rows {
                let mark = row.outcome == .done ? "✅" : row.outcome == .notStarted ? "⏸️" : "❌"
                lines.append(
                    "| \(MarkdownText.escaped(row.target)) | \(mark) \(row.outcome.rawValue) | "
                        + (row.outcome == .notStarted ? " | " : "\(migrationsCell(row)) | \(Self.seconds(row.seconds))")
                        + " | \(row.error.map { MarkdownText.escaped(Self.oneLine($0)) } ?? "") |")
            }
        case .status:
            lines += ["| target | status | error |", "|---|---|---|"]
            for row in statusRows {
                lines.append(
                    "| \(MarkdownText.escaped(row.target)) | \(MarkdownText.escaped(row.statusText)) | "
                        + "\(row.error.map { MarkdownText.escaped(Self.oneLine($0)) } ?? "") |")
            }
        }
        lines += ["", (exitCode == 0 ? "**OK**" : "**FAILED** (exit \(exitCode))") + ": " + MarkdownText.escaped(footer()) + ".", ""]
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
