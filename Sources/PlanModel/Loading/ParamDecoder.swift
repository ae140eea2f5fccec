/// `params:` declarations and the checks every bound value goes through, wherever it comes
/// from: a default, an environment, `--set`, or an including plan's `with:`.
extension FileContext {
    func paramDeclarations(_ node: YAMLNode?) -> [ParamDeclaration] {
        guard let node, let mapping = MappingReader(node, "'params'", known: [], context: self) else { return [] }
        var declarations: [ParamDeclaration] = []
        for pair in mapping.pairs {
            guard let name = pair.key.scalar?.value else { continue }
            guard FileContext.isWord(name) else {
                report(.badParamName(name), at: pair.key.location)
                continue
            }
            if let declaration = paramDeclaration(name, pair.value, keyLocation: pair.key.location) {
                declarations.append(declaration)
            }
        }
        return declarations
    }

    private func paramDeclaration(_ name: String, _ node: YAMLNode, keyLocation: SourceLocation) -> ParamDeclaration? {
        let what = "param '\(name)'"
        // `lists: int` is shorthand for `lists: { type: int }`.
        if node.scalar != nil {
            guard let type = paramType(node) else { return nil }
            return ParamDeclaration(
                name: name, type: type, itemType: .string, defaultValue: nil, required: true, minimum: nil, maximum: nil,
                allowed: [], location: keyLocation)
        }
        let keys = ["type", "default", "required", "min", "max", "allowed", "items", "description"]
        guard let mapping = MappingReader(node, what, known: keys, context: self),
            let typeNode = mapping.require("type", in: what, context: self),
            let type = paramType(typeNode)
        else { return nil }
        var itemType = ParamType.string
        if let itemsNode = mapping["items"] {
            guard type == .list else {
                report(.keyNeedsOther("items", needs: "'type: list'"), at: mapping.keyLocation("items") ?? itemsNode.location)
                return nil
            }
            guard let items = paramType(itemsNode) else { return nil }
            itemType = items
        }
        var declaration = ParamDeclaration(
            name: name, type: type, itemType: itemType, defaultValue: nil, required: true, minimum: nil, maximum: nil,
            allowed: [], location: keyLocation)
        var valid = true
        for bound in ["min", "max"] {
            guard let boundNode = mapping[bound] else { continue }
            guard type.isOrdered else {
                report(.boundsNeedOrderedType(bound, type: type), at: mapping.keyLocation(bound) ?? boundNode.location)
                valid = false
                continue
            }
            let value = self.value(of: boundNode, as: type, what: "'\(bound)' of \(what)")?.value
            if bound == "min" { declaration.minimum = value } else { declaration.maximum = value }
            if value == nil { valid = false }
        }
        if let allowedNode = mapping["allowed"] {
            let values = list(allowedNode, "'allowed' of \(what)") { item, itemWhat in
                self.value(of: item, as: type == .list ? itemType : type, what: itemWhat)?.value
            }
            if let values { declaration.allowed = values } else { valid = false }
        }
        var explicitlyRequired: Bool?
        if let requiredNode = mapping["required"] {
            explicitlyRequired = bool(requiredNode, "'required'")
            if explicitlyRequired == nil { valid = false }
        }
        if let defaultNode = mapping["default"] {
            if explicitlyRequired == true {
                report(.requiredWithDefault, at: mapping.keyLocation("required") ?? node.location)
                valid = false
            } else if let value = value(of: defaultNode, as: type, itemType: itemType, what: "the default of \(what)") {
                if checkConstraints(declaration, value.value, what: what, at: defaultNode.location) {
                    declaration.defaultValue = value
                } else {
                    valid = false
                }
            } else {
                valid = false
            }
        } else {
            declaration.required = explicitlyRequired ?? true
        }
        return valid ? declaration : nil
    }

    private func paramType(_ node: YAMLNode) -> ParamType? {
        guard let text = string(node, "'type'") else { return nil }
        if let type = ParamType(rawValue: text) { return type }
        let aliases: [String: ParamType] = ["integer": .int, "boolean": .bool, "str": .string, "text": .string]
        let suggestion = aliases[text]?.rawValue ?? Suggestion.closest(to: text, in: ParamType.allCases.map(\.rawValue))
        report(.unknownParamType(text, suggestion: suggestion), at: node.location)
        return nil
    }

    /// `min:`, `max:` and `allowed:`; reports and returns false when `value` breaks one.
    func checkConstraints(_ declaration: ParamDeclaration, _ value: Value, what: String, at location: SourceLocation) -> Bool {
        func order(_ a: Value, _ b: Value) -> Int? {
            switch (a, b) {
            case (.int(let x), .int(let y)): x < y ? -1 : (x == y ? 0 : 1)
            case (.size(let x), .size(let y)): x < y ? -1 : (x == y ? 0 : 1)
            case (.duration(let x), .duration(let y)): x < y ? -1 : (x == y ? 0 : 1)
            default: nil
            }
        }
        if let minimum = declaration.minimum, let comparison = order(value, minimum), comparison < 0 {
            report(.outOfRange(what, value: value.text ?? "", bound: minimum.text ?? "", isMinimum: true), at: location)
            return false
        }
        if let maximum = declaration.maximum, let comparison = order(value, maximum), comparison > 0 {
            report(.outOfRange(what, value: value.text ?? "", bound: maximum.text ?? "", isMinimum: false), at: location)
            return false
        }
        if !declaration.allowed.isEmpty {
            let items: [Value]
            if case .list(let values) = value { items = values } else { items = [value] }
            for item in items where !declaration.allowed.contains(item) {
                report(.notAllowed(what, value: item.text ?? "", allowed: declaration.allowed.map { $0.text ?? "" }), at: location)
                return false
            }
        }
        return true
    }

    /// The scope in which a plan's expressions see its params.
    func scope(binding values: [String: TypedValue], declarations: [ParamDeclaration], planName: String) -> ExpressionScope {
        var params: [String: ExpressionScope.Param] = [:]
        for declaration in declarations {
            params[declaration.name] = ExpressionScope.Param(
                type: declaration.type, value: values[declaration.name], required: declaration.required)
        }
        return ExpressionScope(params: params, environment: session.environment, planName: planName)
    }

    /// A `--set` value: text parsed by the param's type; list items are separated by commas.
    func overrideValue(_ text: String, for declaration: ParamDeclaration, at location: SourceLocation) -> TypedValue? {
        let what = "--set \(declaration.name)"
        guard declaration.type == .list else { return convert(text, isSecret: false, to: declaration.type, what: what, at: location) }
        var items: [Value] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let item = convert(String(part).trimmingWhitespace(), isSecret: false, to: declaration.itemType, what: what, at: location)
            else { return nil }
            items.append(item.value)
        }
        return TypedValue(value: .list(items))
    }
}
