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
        let text = { (value: String) in RenderNode.string(plan.redacting(value)) }
        var entries: [RenderNode.Entry] = []
        func add(_ key: String, _ value: RenderNode?) {
            if let value { entries.append(.init(key, value)) }
        }
        switch action {
        case .migrate(let step):
            add("migrations", text(step.migrations))
            add("to", step.to.map(text))
            add("transaction", .string(step.transaction.rawValue))
            add("baseline", step.baseline.map(text))
            add("on_drift", .string(step.onDrift.rawValue))
            add("allow_empty", .bool(step.allowEmpty))
            add("validate_first", .bool(step.validateFirst))
            add("on_failed", .string(step.onFailed.rawValue))
            if step.lockSafety != plan.settings.lockSafety { for entry in Self.lockSafety(step.lockSafety) { add(entry.key, entry.value) } }
        case .generate(let step):
            add("name", text(step.name))
            add("migrations", text(step.migrations))
            switch step.source {
            case .sql(let sql): add("sql", text(sql))
            case .file(let file): add("file", text(file))
            case .step(let id): add("from_step", text(id))
            }
        case .indexConcurrently(let step):
            add("name", text(step.name))
            add("schema", step.schema.map(text))
            add("table", text(step.table))
            add("using", .string(step.method.rawValue))
            add(
                "columns",
                .list(
                    step.keys.map { key in
                        var keyEntries: [RenderNode.Entry] = []
                        switch key.target {
                        case .column(let column): keyEntries.append(.init("column", text(column)))
                        case .expression(let expression): keyEntries.append(.init("expression", text(expression)))
                        }
                        if let opclass = key.opclass { keyEntries.append(.init("opclass", text(opclass))) }
                        if let order = key.order { keyEntries.append(.init("order", .string(order.rawValue))) }
                        if let nulls = key.nulls { keyEntries.append(.init("nulls", .string(nulls.rawValue))) }
                        return .map(keyEntries)
                    }))
            if !step.storage.isEmpty {
                add(
                    "with",
                    .map(
                        step.storage.map { parameter in
                            switch parameter.value {
                            case .int(let number): .init(parameter.name, .int(number))
                            case .bool(let flag): .init(parameter.name, .bool(flag))
                            case .word(let word): .init(parameter.name, text(word))
                            }
                        }))
            }
            if !step.include.isEmpty { add("include", .list(step.include.map(text))) }
            add("where", step.predicate.map(text))
            add("unique", .bool(step.unique))
            add("maintenance_work_mem", step.maintenanceWorkMem.map { .string(Units.format($0)) })
            add("parallel_workers", step.parallelWorkers.map { .int($0) })
            add("lock_timeout", step.lockTimeout.map { .string(Units.format($0)) })
            add("on_invalid", .string(step.onInvalid.rawValue))
            add("on_conflict", .string(step.onConflict.rawValue))
            if let replace = step.replace {
                var entries: [RenderNode.Entry] = []
                switch replace.gate {
                case .always:
                    entries.append(.init("when", .string("always")))
                case .recall(let recall):
                    entries.append(.init("when", .string("recall")))
                    if case .map(let recallEntries) = check(.vectorRecall(recall), plan),
                        case .map(let options) = recallEntries.first?.value
                    {
                        entries += options.filter { $0.key != "index" }
                    }
                }
                entries.append(.init("lock_timeout", .string(replace.lockSafety.lockTimeout.map(Units.format) ?? "none")))
                add("replace", .map(entries))
            }
            if step.allowLittleData { add("allow_little_data", .bool(true)) }
            add("record_as", step.recordAs.map(text))
            add("migrations", text(step.migrations))
        case .verify(let step):
            add("checks", .list(step.checks.map { check($0.kind, plan) }))
        case .resolve(let step):
            switch step.mark {
            case .applied(let name): add("applied", text(name))
            case .rolledBack(let name): add("rolled_back", text(name))
            }
            add("migrations", text(step.migrations))
        case .sql(let step):
            switch step.source {
            case .inline(let sql, let location):
                add("sql", text(sql))
                add("sql_at", text(location.description))
            case .file(let file): add("file", text(file))
            }
            if step.lockSafety != plan.settings.lockSafety { for entry in Self.lockSafety(step.lockSafety) { add(entry.key, entry.value) } }
        case .exec(let step):
            switch step.command {
            case .argv(let argv): add("run", .list(argv.map(text)))
            case .shell(let line):
                add("command", text(line))
                add("shell", .bool(true))
            }
            if !step.environment.isEmpty {
                add("env", .map(step.environment.keys.sorted().map { .init($0, text(step.environment[$0] ?? "")) }))
            }
            add("cwd", step.workingDirectory.map(text))
        }
        return .map(entries)
    }

    private func check(_ kind: VerifyCheck.Kind, _ plan: Plan) -> RenderNode {
        let text = { (value: String) in RenderNode.string(plan.redacting(value)) }
        switch kind {
        case .migrationsUpToDate(let migrations):
            return .map([.init("migrations", .string("up-to-date")), .init("folder", text(migrations))])
        case .index(let name, let table, let method, let mustBeValid):
            var entries: [RenderNode.Entry] = [.init("name", text(name))]
            if let table { entries.append(.init("table", text(table))) }
            if let method { entries.append(.init("using", .string(method.rawValue))) }
            entries.append(.init("valid", .bool(mustBeValid)))
            return .map([.init("index", .map(entries))])
        case .noInvalidIndexes(let schema):
            return .map([.init("invalid-indexes", schema.map { .map([.init("schema", text($0))]) } ?? .string("none"))])
        case .extensionInstalled(let name, let version):
            var entries: [RenderNode.Entry] = [.init("name", text(name))]
            if let (op, number) = version { entries.append(.init("version", .string("\(op.rawValue) \(number)"))) }
            return .map([.init("extension", .map(entries))])
        case .table(let schema, let name):
            var entries: [RenderNode.Entry] = []
            if let schema { entries.append(.init("schema", text(schema))) }
            entries.append(.init("name", text(name)))
            return .map([.init("table", .map(entries))])
        case .column(let table, let name, let type):
            var entries: [RenderNode.Entry] = [.init("table", text(table)), .init("name", text(name))]
            if let type { entries.append(.init("type", text(type))) }
            return .map([.init("column", .map(entries))])
        case .setting(let name, let comparison, let value):
            return .map([
                .init("setting", .map([.init("name", text(name)), .init("op", .string(comparison.rawValue)), .init("value", text(value))]))
            ])
        case .vectorRecall(let recall):
            var entries: [RenderNode.Entry] = [
                .init("index", text(recall.index)), .init("k", .int(recall.k)), .init("sample", .int(recall.sample)),
                .init("min", .string(String(recall.minimum))),
            ]
            if let probes = recall.probes { entries.append(.init("probes", .int(probes))) }
            if let efSearch = recall.efSearch { entries.append(.init("ef_search", .int(efSearch))) }
            entries.append(.init("timeout", .string(Units.format(recall.timeout))))
            return .map([.init("vector-recall", .map(entries))])
        case .query(let sql, let expect):
            let expectation: RenderNode
            switch expect {
            case .value(let value): expectation = .map([.init("value", text(value))])
            case .rowCount(let rows): expectation = .map([.init("rows", .int(rows))])
            case .empty: expectation = .string("empty")
            }
            return .map([.init("query", text(sql)), .init("expect", expectation)])
        }
    }
}
