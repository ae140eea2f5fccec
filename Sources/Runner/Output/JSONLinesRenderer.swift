/// `--format json`: one JSON object per line, one per event; the last line is the summary.
/// The schema is documented in docs/EVENTS.md.
public final class JSONLinesRenderer: EventSink {
    private let out: OutputStream

    /// The version of the stream's shape, in `run_started`: fields are only added within a
    /// version; a removed or changed field makes a new one (docs/events.schema.json).
    public static let version = 1

    public init(out: OutputStream = .standardOutput) { self.out = out }

    public func receive(_ event: RunEvent) {
        out.write(Self.encode(event).rendered + "\n")
    }

    public static func encode(_ event: RunEvent) -> JSONValue {
        switch event {
        case .runStarted(let plan, let file, let dryRun, let target):
            return .object([
                ("event", .string("run_started")), ("version", .int(Self.version)), ("plan", .string(plan)),
                ("file", file.map(JSONValue.string) ?? .null), ("dry_run", .bool(dryRun)),
                ("environment", target.environment.map(JSONValue.string) ?? .null),
                (
                    "target",
                    .object([
                        ("host", target.endpoint.map { .string($0.host) } ?? .null),
                        ("port", target.endpoint.map { .string($0.port) } ?? .null),
                        ("database", target.endpoint.map { .string($0.database) } ?? .null),
                        ("user", target.endpoint.map { .string($0.user) } ?? .null), ("source", .string(target.source)),
                    ])
                ),
            ])
        case .stepStarted(let index, let name, let kind):
            return .object([("event", .string("step_started")), ("step", .int(index)), ("name", .string(name)), ("kind", .string(kind))])
        case .message(let index, let message):
            var pairs: [(String, JSONValue)] = [
                ("event", .string("message")), ("step", index.map(JSONValue.int) ?? .null),
                ("level", .string(message.level.rawValue)), ("text", .string(message.text)),
            ]
            if let sql = message.sql { pairs.append(("sql", .string(sql))) }
            if let location = message.location { pairs.append(("location", .string(location))) }
            return .object(pairs)
        case .action(let index, let action, let dryRun):
            var pairs: [(String, JSONValue)] = [
                ("event", .string("action")), ("step", .int(index)), ("dry_run", .bool(dryRun)), ("summary", .string(action.summary)),
            ]
            if let sql = action.sql { pairs.append(("sql", .string(sql))) }
            if let location = action.location { pairs.append(("location", .string(location))) }
            return .object(pairs)
        case .progress(let index, let progress):
            return .object([
                ("event", .string("progress")), ("step", .int(index)), ("phase", .string(progress.phase)),
                ("percent", progress.percent.map(JSONValue.number) ?? .null),
                ("detail", progress.detail.map(JSONValue.string) ?? .null),
            ])
        case .stepFinished(let index, let name, let kind, let outcome, let seconds):
            return .object([
                ("event", .string("step_finished")), ("step", .int(index)), ("name", .string(name)), ("kind", .string(kind)),
                ("outcome", .string(outcome.rawValue)), ("seconds", .number(seconds)),
            ])
        case .runFinished(let summary):
            return .object([
                ("event", .string("summary")), ("plan", .string(summary.plan)), ("dry_run", .bool(summary.dryRun)),
                ("done", .int(summary.done)), ("skipped", .int(summary.skipped)), ("failed", .int(summary.failed)),
                ("would_run", .int(summary.wouldRun)), ("would_fail", .int(summary.wouldFail)),
                ("seconds", .number(summary.seconds)), ("exit_code", .int(Int(summary.exitCode))),
            ])
        case .migrationStatus(let report):
            func entries(_ list: [MigrationStatusReport.Entry], at key: String?) -> JSONValue {
                .array(
                    list.map { entry in
                        var fields: [(String, JSONValue)] = [("name", .string(entry.name))]
                        if let key { fields.append((key, entry.at.map(JSONValue.string) ?? .null)) }
                        if let steps = entry.appliedSteps { fields.append(("applied_steps_count", .int(steps))) }
                        return .object(fields)
                    })
            }
            return .object([
                ("event", .string("migration_status")), ("version", .int(1)), ("folder", .string(report.folder)),
                ("has_table", .bool(report.hasTable)), ("up_to_date", .bool(report.isUpToDate)),
                ("applied", entries(report.applied, at: "finished_at")), ("pending", entries(report.pending, at: nil)),
                ("failed", entries(report.failed, at: "started_at")), ("drifted", entries(report.drifted, at: nil)),
                ("missing", entries(report.missing, at: "finished_at")),
            ])
        case .migrationApplied(let index, let name):
            return .object([("event", .string("migration_applied")), ("step", .int(index)), ("name", .string(name))])
        case .finding(let index, let finding):
            return .object([
                ("event", .string("finding")), ("step", index.map(JSONValue.int) ?? .null), ("code", .string(finding.code)),
                ("severity", .string(finding.severity.rawValue)), ("message", .string(finding.message)),
                ("location", finding.location.map(JSONValue.string) ?? .null), ("lock", finding.lock.map(JSONValue.string) ?? .null),
                ("safer", finding.safer.map(JSONValue.string) ?? .null), ("acknowledged", .bool(finding.acknowledged)),
                (
                    "sizes",
                    .array(
                        finding.sizes.map { size in
                            .object([
                                ("relation", .string(size.relation)), ("rows", size.rows.map { .int(Int($0)) } ?? .null),
                                ("table_bytes", .int(Int(size.tableBytes))), ("index_bytes", .int(Int(size.indexBytes))),
                            ])
                        })
                ),
                ("blocking_pids", .array(finding.blockingPIDs.map { .int(Int($0)) })),
            ])
        }
    }
}
