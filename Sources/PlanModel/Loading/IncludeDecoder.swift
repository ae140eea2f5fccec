/// `uses: PATH` with `with:`: the included plan's steps, inlined with its params bound.
///
/// The including plan's settings win: an included plan's `settings:` and `environments:` are
/// ignored (with a warning), because a reusable plan cannot know the service's database or
/// migrations folder, and two plans disagreeing on `lock_timeout` would have no good answer.
extension FileContext {
    static let maximumIncludeDepth = 16

    func include(_ mapping: MappingReader, usesNode: YAMLNode) -> [Step] {
        for key in ["name", "transaction", "timeout", "retry"] {
            if let location = mapping.keyLocation(key) { report(.keyNotForUses(key), at: location) }
        }
        var enabled = true
        if let ifNode = mapping["if"] {
            guard let flag = condition(ifNode) else { return [] }
            enabled = flag
        }
        var prefix = idPrefix
        if let idNode = mapping["id"] {
            guard let id = stepID(idNode) else { return [] }
            prefix = id + "."
        }
        guard let path = path(usesNode, "'uses'") else { return [] }
        let usesLocation = mapping.keyLocation(StepKeys.uses) ?? usesNode.location
        if session.fileChain.contains(path) {
            report(.includeCycle(session.fileChain + [path]), at: usesNode.location)
            return []
        }
        guard session.fileChain.count <= Self.maximumIncludeDepth else {
            report(.includeTooDeep(Self.maximumIncludeDepth), at: usesNode.location)
            return []
        }

        let outerChain = session.diagnostics.includeChain
        session.diagnostics.includeChain.append(usesLocation)
        session.fileChain.append(path)
        defer {
            session.diagnostics.includeChain = outerChain
            session.fileChain.removeLast()
        }
        guard let root = session.parse(path, referencedAt: usesNode.location, referenceChain: outerChain) else { return [] }
        var child = FileContext(
            session: session, file: path,
            scope: ExpressionScope(params: [:], paramsReadable: false, environment: session.environment, planName: ""),
            idPrefix: prefix)
        guard let header = child.header(root) else { return [] }

        // `with:` is written in this file and evaluated in its scope, so its errors carry this
        // file's include chain, not the included file's.
        session.diagnostics.includeChain = outerChain
        let values = bindWith(mapping, declarations: header.declarations, file: path, usesLocation: usesLocation)
        session.diagnostics.includeChain = outerChain + [usesLocation]
        guard let values else { return [] }

        child.scope = child.scope(binding: values, declarations: header.declarations, planName: header.name)
        for key in ["settings", "environments"] {
            if let location = header.mapping.keyLocation(key) {
                child.report(key == "settings" ? .includedSettingsIgnored : .includedEnvironmentsIgnored, at: location)
            }
        }
        var steps = header.steps.map { child.steps($0) } ?? []
        if !enabled {
            for index in steps.indices { steps[index].enabled = false }
        }
        return steps
    }

    private func bindWith(
        _ mapping: MappingReader, declarations: [ParamDeclaration], file: String, usesLocation: SourceLocation
    ) -> [String: TypedValue]? {
        var values: [String: TypedValue] = [:]
        var valid = true
        // Keys written under `with:`, valid or not: a bad value is not also a missing one.
        var written = Set<String>()
        if let withNode = mapping["with"], let with = MappingReader(withNode, "'with'", known: [], context: self) {
            for pair in with.pairs {
                guard let key = pair.key.scalar?.value else { continue }
                written.insert(key)
                guard let declaration = declarations.first(where: { $0.name == key }) else {
                    let suggestion = Suggestion.closest(to: key, in: declarations.map(\.name))
                    report(.unknownWithParam(key, file: file, suggestion: suggestion), at: pair.key.location)
                    valid = false
                    continue
                }
                let what = "'with.\(key)'"
                guard
                    let value = value(
                        of: pair.value, as: declaration.type, itemType: declaration.itemType, what: what, reportAt: pair.key.location),
                    checkConstraints(declaration, value.value, what: what, at: pair.key.location)
                else {
                    valid = false
                    continue
                }
                values[key] = value
            }
        }
        for declaration in declarations where !written.contains(declaration.name) {
            if let value = declaration.defaultValue {
                values[declaration.name] = value
            } else if declaration.required {
                report(.missingWithParam(declaration.name, file: file), at: usesLocation)
                valid = false
            }
        }
        return valid ? values : nil
    }
}
