/// The resolved plan as `plan show` prints it: includes expanded, params bound, expressions
/// evaluated; secrets (`database_url`, anything from `env`) printed as `***`.
public struct PlanRenderer: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case yaml, json
    }

    public init() {}

    public func render(_ plan: Plan, as format: Format) -> String {
        let tree = document(plan)
        return format == .yaml ? tree.yaml() : tree.json()
    }

    /// The tree both formats print.
    public func document(_ plan: Plan) -> RenderNode {
        let text = { (value: String) in RenderNode.string(plan.redacting(value)) }
        var entries: [RenderNode.Entry] = [
            .init("plan", .int(plan.formatVersion)),
            .init("name", text(plan.name)),
        ]
        if let description = plan.description { entries.append(.init("description", text(description))) }
        entries.append(.init("file", text(plan.file)))
        if let environment = plan.environment { entries.append(.init("environment", text(environment))) }
        entries.append(
            .init(
                "params",
                .map(
                    plan.params.map { param in
                        .init(
                            param.name,
                            .map([
                                .init("type", .string(param.value.type.rawValue)),
                                .init("value", value(param.value, plan)),
                                .init("from", .string(origin(param.origin))),
                            ]))
                    })))
        entries.append(.init("settings", settings(plan.settings, plan)))
        entries.append(.init("steps", .list(plan.steps.map { step($0, plan) })))
        return .map(entries)
    }

    private func origin(_ origin: BoundParam.Origin) -> String {
        switch origin {
        case .default: "default"
        case .environment: "environment"
        case .commandLine: "--set"
        case .with: "with"
        }
    }

    private func value(_ value: Value, _ plan: Plan) -> RenderNode {
        switch value {
        case .int(let number): .int(number)
        case .bool(let flag): .bool(flag)
        case .list(let items): .list(items.map { self.value($0, plan) })
        default: .string(plan.redacting(value.text ?? ""))
        }
    }

    private func settings(_ settings: Settings, _ plan: Plan) -> RenderNode {
        var entries: [RenderNode.Entry] = []
        if settings.databaseURL != nil { entries.append(.init("database_url", .string("***"))) }
        entries.append(.init("migrations", .string(plan.redacting(settings.migrations))))
        if settings.lockSafety != .default { entries += Self.lockSafety(settings.lockSafety) }
        if let wait = settings.lockWait { entries.append(.init("lock_wait", .string(Units.format(wait)))) }
        if let timeout = settings.statementTimeout { entries.append(.init("statement_timeout", .string(Units.format(timeout)))) }
        return .map(entries)
    }

    /// `lock_timeout` and `lock_retry` as a plan file writes them.
    static func lockSafety(_ safety: LockSafety) -> [RenderNode.Entry] {
        [
            .init("lock_timeout", .string(safety.lockTimeout.map(Units.format) ?? "none")),
            .init(
                "lock_retry",
                .map([
                    .init("budget", .string(Units.format(safety.budget))),
                    .init("max_lock_timeout", .string(Units.format(safety.maxLockTimeout))),
                ])),
        ]
    }

    private func step(_ step: Step, _ plan: Plan) -> RenderNode {
        let text = { (value: String) in RenderNode.string(plan.redacting(value)) }
        var entries: [RenderNode.Entry] = [.init(step.action.kind.rawValue, action(step.action, plan))]
        if let id = step.id { entries.append(.init("id", text(id))) }
        if let name = step.name { entries.append(.init("name", text(name))) }
        entries.append(.init("enabled", .bool(step.enabled)))
        entries.append(.init("transaction", .string(step.transaction.rawValue)))
        if let timeout = step.timeout { entries.append(.init("timeout", .string(Units.format(timeout)))) }
        if let retry = step.retry {
            entries.append(
                .init("retry", .map([.init("attempts", .int(retry.attempts)), .init("backoff", .string(Units.format(retry.backoff)))])))
        }
        entries.append(.init("at", text(step.location.description)))
        if !step.includedFrom.isEmpty {
            entries.append(.init("included_from", .list(step.includedFrom.map { text($0.description) })))
        }
        return .map(entries)
    }

    private func action(_ action: StepAction, _ plan: Plan) -> RenderNode {
        var entries = RenderedEntries(plan: plan)
        switch action {
        case .migrate(let step): render(step, into: &entries)
        case .generate(let step): render(step, into: &entries)
        case .indexConcurrently(let step): render(step, into: &entries)
        case .verify(let step): render(step, into: &entries)
        case .resolve(let step): render(step, into: &entries)
        case .sql(let step): render(step, into: &entries)
        case .exec(let step): render(step, into: &entries)
        }
        return .map(entries.entries)
    }

}

/// A step's keys as `plan show` renders them: values shown redacted, absent ones left out.
struct RenderedEntries {
    let plan: Plan
    var entries: [RenderNode.Entry] = []

    func text(_ value: String) -> RenderNode { .string(plan.redacting(value)) }

    mutating func add(_ key: String, _ value: RenderNode?) {
        if let value { entries.append(.init(key, value)) }
    }
}
