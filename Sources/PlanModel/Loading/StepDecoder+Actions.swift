import SQL

/// Decoders of the small step actions: migrate, resolve, generate, sql, exec.
extension FileContext {
    func migrateStep(_ node: YAMLNode) -> MigrateStep? {
        let keys = [
            "migrations", "to", "transaction", "baseline", "on_drift", "allow_drift", "allow_empty", "validate_first", "on_failed",
            "lock_timeout", "lock_retry", "acknowledge",
        ]
        guard let mapping = MappingReader(node, "'migrate'", known: keys, context: self),
            let migrations = migrationsFolder(mapping)
        else { return nil }
        var step = MigrateStep(migrations: migrations, migrationsChosenBy: migrationsOrigin(mapping))
        var valid = true
        func read<T>(_ key: String, _ reader: (YAMLNode, String) -> T?, _ apply: (T) -> Void) {
            guard let value = mapping[key] else { return }
            if let decoded = reader(value, "'\(key)'") { apply(decoded) } else { valid = false }
        }
        read("to", migrationName) { step.to = $0 }
        read("transaction", { choice($0, $1, as: MigrateStep.TransactionMode.self) }) { step.transaction = $0 }
        read("baseline", migrationName) { step.baseline = $0 }
        read("on_drift", { choice($0, $1, as: MigrateStep.OnDrift.self) }) { step.onDrift = $0 }
        read("allow_empty", bool) { step.allowEmpty = $0 }
        read("validate_first", bool) { step.validateFirst = $0 }
        if let node = mapping["allow_drift"], let allow = bool(node, "'allow_drift'") {
            // Drift warns by default now, as in Prisma's deploy; the old key still says which.
            report(.deprecatedKey("allow_drift", replacement: "on_drift: \(allow ? "warn" : "fail")"), at: node.location)
            if mapping["on_drift"] == nil { step.onDrift = allow ? .warn : .fail }
        }
        read("on_failed", { choice($0, $1, as: MigrateStep.OnFailed.self) }) { step.onFailed = $0 }
        read("acknowledge", riskCodes) { step.acknowledge = $0 }
        step.lockSafety = session.settings.lockSafety
        if !applyLockSafety(mapping, to: &step.lockSafety) { valid = false }
        return valid ? step : nil
    }

    func resolveStep(_ node: YAMLNode) -> ResolveStep? {
        let marks = ["applied", "rolled_back"]
        guard let mapping = MappingReader(node, "'resolve'", known: marks + ["migrations"], context: self),
            let migrations = migrationsFolder(mapping)
        else { return nil }
        let given = marks.filter { mapping[$0] != nil }
        guard given.count == 1, let value = mapping[given[0]] else {
            report(
                .exclusiveKeys(marks, in: "'resolve'"), at: given.count > 1 ? mapping.keyLocation(given[1]) ?? node.location : node.location
            )
            return nil
        }
        guard let name = migrationName(value, "'\(given[0])'") else { return nil }
        return ResolveStep(mark: given[0] == "applied" ? .applied(name) : .rolledBack(name), migrations: migrations)
    }

    func generateStep(_ node: YAMLNode) -> GenerateStep? {
        let sources = ["sql", "file", "from_step"]
        guard let mapping = MappingReader(node, "'generate'", known: ["name", "migrations"] + sources, context: self),
            let nameNode = mapping.require("name", in: "'generate'", context: self)
        else { return nil }
        let name = migrationName(nameNode, "'name'")
        let migrations = migrationsFolder(mapping)
        let given = sources.filter { mapping[$0] != nil }
        guard given.count == 1, let value = mapping[given[0]] else {
            report(
                .exclusiveKeys(sources, in: "'generate'"),
                at: given.count > 1 ? mapping.keyLocation(given[1]) ?? node.location : node.location)
            return nil
        }
        let source: GenerateStep.Source?
        switch given[0] {
        case "sql": source = sql(value, "'sql'").map(GenerateStep.Source.sql)
        case "file": source = path(value, "'file'").map(GenerateStep.Source.file)
        default:
            source = string(value, "'from_step'").map { id in
                session.stepReferences.append((idPrefix + id, value.location, session.diagnostics.includeChain))
                return GenerateStep.Source.step(idPrefix + id)
            }
        }
        guard let name, let migrations, let source else { return nil }
        return GenerateStep(name: name, migrations: migrations, source: source)
    }

    func sqlStep(_ node: YAMLNode) -> SQLStep? {
        // `sql: "SELECT 1"` is shorthand for `sql: { sql: "SELECT 1" }`.
        if node.scalar != nil && !node.isNull {
            return sql(node, "'sql'").map {
                SQLStep(source: .inline($0, location: contentLocation(of: node)), lockSafety: session.settings.lockSafety)
            }
        }
        let sources = ["sql", "file"]
        guard let mapping = MappingReader(node, "'sql'", known: sources + ["lock_timeout", "lock_retry", "acknowledge"], context: self)
        else {
            return nil
        }
        var lockSafety = session.settings.lockSafety
        guard applyLockSafety(mapping, to: &lockSafety) else { return nil }
        var acknowledge: [String] = []
        if let node = mapping["acknowledge"] {
            guard let codes = riskCodes(node, "'acknowledge'") else { return nil }
            acknowledge = codes
        }
        let given = sources.filter { mapping[$0] != nil }
        guard given.count == 1, let value = mapping[given[0]] else {
            report(
                .exclusiveKeys(sources, in: "'sql'"), at: given.count > 1 ? mapping.keyLocation(given[1]) ?? node.location : node.location)
            return nil
        }
        if given[0] == "file" {
            return path(value, "'file'").map { SQLStep(source: .file($0), lockSafety: lockSafety, acknowledge: acknowledge) }
        }
        return sql(value, "'sql'").map {
            SQLStep(source: .inline($0, location: contentLocation(of: value)), lockSafety: lockSafety, acknowledge: acknowledge)
        }
    }

    func execStep(_ node: YAMLNode) -> ExecStep? {
        guard let mapping = MappingReader(node, "'exec'", known: ["run", "command", "shell", "env", "cwd"], context: self) else {
            return nil
        }
        var valid = true
        var shell = false
        if let node = mapping["shell"] {
            if let flag = bool(node, "'shell'") { shell = flag } else { valid = false }
        }
        var command: ExecStep.Command?
        switch (mapping["run"], mapping["command"]) {
        case (let run?, nil):
            if run.scalar != nil, !run.isNull, case .value(let typed)? = resolve(run, what: "'run'"), case .list = typed.value {
                command = list(run, "'run'", item: string).map(ExecStep.Command.argv)
            } else if run.scalar != nil {
                report(.runNeedsList, at: run.location)
            } else if let argv = list(run, "'run'", item: string) {
                if argv.isEmpty { report(.emptyList, at: run.location) } else { command = .argv(argv) }
            }
        case (nil, let line?):
            if !shell {
                report(.shellCommandNeedsShell, at: line.location)
            } else if let text = shellCommand(line, "'command'") {
                command = .shell(text)
            }
        default:
            report(.exclusiveKeys(["run", "command"], in: "'exec'"), at: mapping.keyLocation("command") ?? node.location)
        }
        var environment: [String: String] = [:]
        if let envNode = mapping["env"], let env = MappingReader(envNode, "'env'", known: [], context: self) {
            for pair in env.pairs {
                guard let key = pair.key.scalar?.value else { continue }
                if let value = string(pair.value, "'env.\(key)'") { environment[key] = value } else { valid = false }
            }
        }
        var workingDirectory: String?
        if let cwd = mapping["cwd"] {
            workingDirectory = path(cwd, "'cwd'", confined: false)
            if workingDirectory == nil { valid = false }
        }
        guard valid, let command else { return nil }
        return ExecStep(command: command, environment: environment, workingDirectory: workingDirectory)
    }

    /// A Prisma migration folder name (or the part after its timestamp).
    func migrationName(_ node: YAMLNode, _ what: String) -> String? {
        guard let name = string(node, what) else { return nil }
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            report(.badMigrationName(name), at: node.location)
            return nil
        }
        return name
    }

    /// Where the text of a scalar begins: for a block scalar (`|`), the first content line,
    /// so that positions inside inline SQL map back onto the plan file.
    func contentLocation(of node: YAMLNode) -> SourceLocation {
        guard let scalar = node.scalar, scalar.style == .literal || scalar.style == .folded,
            let source = session.sources[file]
        else {
            var location = node.location
            if node.scalar?.style == .singleQuoted || node.scalar?.style == .doubleQuoted { location.column += 1 }
            return location
        }
        var line = node.location.line + 1
        while let text = source.line(line), text.allSatisfy(\.isWhitespace), line < source.lines.count { line += 1 }
        let indentation = source.line(line)?.prefix { $0 == " " }.count ?? 0
        return SourceLocation(file: file, line: line, column: indentation + 1)
    }

    /// `acknowledge: [changing-column-type, …]`: risk rule codes, each one the catalogue knows.
    func riskCodes(_ node: YAMLNode, _ what: String) -> [String]? {
        list(node, what) { item, itemWhat in
            guard let code = string(item, itemWhat) else { return nil }
            guard RiskRule.named(code) != nil else {
                let codes = RiskRule.all.map(\.code)
                report(
                    .notOneOf(itemWhat, value: code, allowed: codes, suggestion: Suggestion.closest(to: code, in: codes)), at: item.location
                )
                return nil
            }
            return code
        }
    }
}
