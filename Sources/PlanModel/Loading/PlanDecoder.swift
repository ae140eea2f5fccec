/// The parts of a plan file every plan has, included or not.
struct PlanHeader {
    var mapping: MappingReader
    var name: String
    var description: String?
    var declarations: [ParamDeclaration]
    var steps: YAMLNode?
}

/// An environment's overrides, checked whether or not `--env` picks it, so that `plan check`
/// finds a typo in the production environment while testing with the staging one.
struct EnvironmentOverrides {
    var name: String
    var params: [String: (value: TypedValue, location: SourceLocation)]
    var settings: YAMLNode?
}

extension FileContext {
    static let planKeys = ["plan", "name", "description", "params", "environments", "settings", "steps"]

    func header(_ root: YAMLNode) -> PlanHeader? {
        guard root.mapping != nil else {
            report(
                .wrongNode("a plan file", expected: "a mapping of keys (plan, name, steps, …)", found: root.kindDescription),
                at: root.location)
            return nil
        }
        guard let mapping = MappingReader(root, "the plan", known: Self.planKeys, context: self) else { return nil }
        if let versionNode = mapping["plan"] {
            if let text = versionNode.scalar?.value, text != "1" {
                report(.unsupportedVersion(text), at: versionNode.location)
            } else if versionNode.scalar == nil {
                report(.wrongNode("'plan'", expected: "the format version 1", found: versionNode.kindDescription), at: versionNode.location)
            }
        } else {
            report(.missingVersion, at: root.location)
        }
        let name = mapping["name"].flatMap { string($0, "'name'") } ?? Self.defaultName(of: file)
        let description = mapping["description"].flatMap { string($0, "'description'") }
        let declarations = paramDeclarations(mapping["params"])
        let steps = mapping["steps"]
        if steps == nil, mapping.keyLocation("steps") == nil { report(.missingSteps, at: root.location) }
        return PlanHeader(mapping: mapping, name: name, description: description, declarations: declarations, steps: steps)
    }

    /// `release.plan.yaml` → `release`.
    static func defaultName(of file: String) -> String {
        var name = Substring(file.split(separator: "/").last ?? Substring(file))
        for suffix in [".yaml", ".yml", ".plan"] where name.hasSuffix(suffix) { name = name.dropLast(suffix.count) }
        return String(name)
    }

    /// The plan named on the command line: params bound with the documented precedence
    /// `--set` > the environment picked with `--env` > the plan's defaults.
    func topLevelPlan(_ root: YAMLNode, environmentName: String?, overrides: [String: String]) -> Plan? {
        guard let header = header(root) else { return nil }
        var context = self
        context.scope.planName = header.name
        let environments = context.environments(header.mapping, declarations: header.declarations)
        var selected: EnvironmentOverrides?
        if let environmentName {
            selected = environments.first { $0.name == environmentName }
            if selected == nil {
                let known = environments.map(\.name)
                context.report(
                    .unknownEnvironment(environmentName, known: known, suggestion: Suggestion.closest(to: environmentName, in: known)),
                    at: header.mapping.keyLocation("environments") ?? SourceLocation(file: file, line: 0, column: 0))
            }
        }
        let paramsLocation = header.mapping.keyLocation("params") ?? SourceLocation(file: file, line: 0, column: 0)
        for name in overrides.keys.sorted() where !header.declarations.contains(where: { $0.name == name }) {
            context.report(
                .unknownOverride(name, suggestion: Suggestion.closest(to: name, in: header.declarations.map(\.name))), at: paramsLocation)
        }

        var bound: [BoundParam] = []
        var values: [String: TypedValue] = [:]
        for declaration in header.declarations {
            var value = declaration.defaultValue
            var origin = BoundParam.Origin.default
            if let fromEnvironment = selected?.params[declaration.name] {
                value = fromEnvironment.value
                origin = .environment
            }
            if let text = overrides[declaration.name] {
                value = nil
                origin = .commandLine
                if let parsed = context.overrideValue(text, for: declaration, at: declaration.location),
                    context.checkConstraints(declaration, parsed.value, what: "--set \(declaration.name)", at: declaration.location)
                {
                    value = parsed
                }
            } else if value == nil && declaration.required {
                if session.checksAsLibrary {
                    value = TypedValue(value: Self.standIn(for: declaration))
                } else {
                    context.report(.missingRequiredParam(declaration.name), at: declaration.location)
                }
            }
            if let value {
                values[declaration.name] = value
                bound.append(BoundParam(name: declaration.name, value: value.value, origin: origin))
                if value.isSecret, let text = value.value.text, !text.isEmpty { session.secrets.insert(text) }
            }
        }
        context.scope = context.scope(binding: values, declarations: header.declarations, planName: header.name)

        var settings = session.defaults
        if let node = header.mapping["settings"] { _ = context.applySettings(node, what: "'settings'", to: &settings) }
        for environment in environments {
            guard let node = environment.settings else { continue }
            var overridden = settings
            _ = context.applySettings(node, what: "'settings' of environment '\(environment.name)'", to: &overridden)
            if environment.name == selected?.name { settings = overridden }
        }
        session.settings = settings

        let steps = header.steps.map { context.steps($0) } ?? []
        checkStepIDs()
        guard !session.diagnostics.hasErrors else { return nil }
        var plan = Plan(
            name: header.name, description: header.description, file: file, params: bound, environment: selected?.name,
            settings: settings, steps: steps)
        plan.secretValues = session.secrets.sorted { $0.count > $1.count || ($0.count == $1.count && $0 < $1) }
        return plan
    }

    private func environments(_ plan: MappingReader, declarations: [ParamDeclaration]) -> [EnvironmentOverrides] {
        guard let node = plan["environments"], let mapping = MappingReader(node, "'environments'", known: [], context: self) else {
            return []
        }
        var paramsOnly = self
        paramsOnly.scope.paramsReadable = false
        var result: [EnvironmentOverrides] = []
        for pair in mapping.pairs {
            guard let name = pair.key.scalar?.value else { continue }
            let what = "environment '\(name)'"
            guard let environment = MappingReader(pair.value, what, known: ["params", "settings"], context: self) else { continue }
            var overrides = EnvironmentOverrides(name: name, params: [:], settings: environment["settings"])
            if let paramsNode = environment["params"],
                let params = MappingReader(paramsNode, "'params' of \(what)", known: declarations.map(\.name), context: self)
            {
                for param in params.pairs {
                    guard let key = param.key.scalar?.value, let declaration = declarations.first(where: { $0.name == key }) else {
                        continue
                    }
                    let paramWhat = "param '\(key)' in \(what)"
                    guard
                        let value = paramsOnly.value(
                            of: param.value, as: declaration.type, itemType: declaration.itemType, what: paramWhat),
                        checkConstraints(declaration, value.value, what: paramWhat, at: param.value.location)
                    else { continue }
                    overrides.params[key] = (value, param.value.location)
                }
            }
            result.append(overrides)
        }
        return result
    }

    /// Step ids are unique across the resolved plan, and `from_step` names one of them.
    private func checkStepIDs() {
        let saved = session.diagnostics.includeChain
        defer { session.diagnostics.includeChain = saved }
        var first: [String: SourceLocation] = [:]
        for (id, location, chain) in session.stepIDs {
            if let earlier = first[id] {
                session.diagnostics.includeChain = chain
                let whereFirst = earlier.file == location.file ? "on line \(earlier.line)" : "at \(earlier)"
                report(
                    .duplicateStepID(id, firstUsed: whereFirst), at: location,
                    notes: [Diagnostic.Note(message: "first used here", location: earlier)])
            } else {
                first[id] = location
            }
        }
        for reference in session.stepReferences where first[reference.id] == nil {
            session.diagnostics.includeChain = reference.chain
            report(
                .unknownStepID(reference.id, suggestion: Suggestion.closest(to: reference.id, in: first.keys.sorted())),
                at: reference.location)
        }
    }
}

extension FileContext {
    /// What a required param reads as while a reusable plan is checked on its own: a value of
    /// its type that its constraints accept, so every expression and step is still type-checked.
    static func standIn(for declaration: ParamDeclaration) -> Value {
        if let first = declaration.allowed.first { return first }
        if let minimum = declaration.minimum { return minimum }
        switch declaration.type {
        case .string: return .string("")
        case .path: return .string(".")
        case .identifier: return .identifier(declaration.name)
        case .int: return .int(1)
        case .bool: return .bool(false)
        case .duration: return .duration(.seconds(1))
        case .size: return .size(ByteSize(bytes: 1024 * 1024))
        case .list: return .list([])
        }
    }
}
