/// The keys a step mapping can have, grouped by role.
enum StepKeys {
    static let uses = "uses"
    static let actions = StepKind.allCases.map(\.rawValue) + [uses]
    static let common = ["id", "name", "if", "transaction", "timeout", "retry"]
    static let usesOnly = ["with"]
    static var all: [String] { actions + common + usesOnly }
}

extension FileContext {
    /// The `steps:` list, with `uses:` expanded in place.
    func steps(_ node: YAMLNode) -> [Step] {
        guard let items = node.sequence else {
            report(.wrongNode("'steps'", expected: "a list", found: node.kindDescription), at: node.location)
            return []
        }
        return items.flatMap { step($0) }
    }

    /// One step mapping: common keys plus exactly one action, or a `uses:` that becomes the
    /// steps of the included plan.
    func step(_ node: YAMLNode) -> [Step] {
        guard let pairs = node.mapping else {
            report(
                .wrongNode("a step", expected: "a mapping with one action (migrate, sql, …)", found: node.kindDescription),
                at: node.location)
            return []
        }
        var actionKeys: [YAMLPair] = []
        var unknown: [YAMLPair] = []
        for pair in pairs {
            guard let key = pair.key.scalar?.value else { continue }
            if StepKeys.actions.contains(key) {
                actionKeys.append(pair)
            } else if !StepKeys.common.contains(key) && !StepKeys.usesOnly.contains(key) {
                unknown.append(pair)
            }
        }
        for (index, pair) in unknown.enumerated() {
            let key = pair.key.scalar?.value ?? ""
            if actionKeys.isEmpty && index == 0 {
                report(
                    .unknownStep(key, suggestion: Suggestion.closest(to: key, in: StepKeys.actions + StepKeys.common)),
                    at: pair.key.location)
            } else {
                let allowed = StepKeys.common + (actionKeys.first?.key.scalar?.value == StepKeys.uses ? StepKeys.usesOnly : [])
                report(
                    .unknownKey(key, in: "a step", suggestion: Suggestion.closest(to: key, in: allowed), allowed: allowed),
                    at: pair.key.location)
            }
        }
        guard let action = actionKeys.first, let actionKey = action.key.scalar?.value else {
            if unknown.isEmpty { report(.stepWithoutAction, at: node.location) }
            return []
        }
        if actionKeys.count > 1 {
            report(.twoActions(actionKey, actionKeys[1].key.scalar?.value ?? ""), at: actionKeys[1].key.location)
            return []
        }
        // Unknown keys were reported above, with step-specific wording; the reader accepts them silently.
        let known = StepKeys.all + unknown.compactMap { $0.key.scalar?.value }
        guard let mapping = MappingReader(node, "a step", known: known, context: self) else { return [] }

        if actionKey == StepKeys.uses {
            return include(mapping, usesNode: action.value)
        }
        if let withKey = mapping.keyLocation("with") {
            report(.withNeedsUses, at: withKey)
        }
        var step = Step(
            action: .exec(ExecStep(command: .argv([]))), location: node.location, includedFrom: session.diagnostics.includeChain)
        let commonOK = readCommon(mapping, into: &step)
        guard let kind = StepKind(rawValue: actionKey), let decoded = stepAction(kind, action.value), commonOK else { return [] }
        step.action = decoded
        return [step]
    }

    private func stepAction(_ kind: StepKind, _ node: YAMLNode) -> StepAction? {
        switch kind {
        case .migrate: migrateStep(node).map(StepAction.migrate)
        case .generate: generateStep(node).map(StepAction.generate)
        case .indexConcurrently: indexStep(node).map(StepAction.indexConcurrently)
        case .verify: verifyStep(node).map(StepAction.verify)
        case .resolve: resolveStep(node).map(StepAction.resolve)
        case .sql: sqlStep(node).map(StepAction.sql)
        case .exec: execStep(node).map(StepAction.exec)
        }
    }

    /// `id`, `name`, `if`, `transaction`, `timeout`, `retry`; false when one of them is invalid.
    private func readCommon(_ mapping: MappingReader, into step: inout Step) -> Bool {
        var valid = true
        if let node = mapping["id"] {
            if let id = stepID(node) { step.id = id } else { valid = false }
        }
        if let node = mapping["name"] {
            if let name = string(node, "'name'") { step.name = name } else { valid = false }
        }
        if let node = mapping["if"] {
            if let enabled = condition(node) { step.enabled = enabled } else { valid = false }
        }
        if let node = mapping["transaction"] {
            if let policy = choice(node, "'transaction'", as: TransactionPolicy.self) { step.transaction = policy } else { valid = false }
        }
        if let node = mapping["timeout"] {
            if let timeout = duration(node, "'timeout'") { step.timeout = timeout } else { valid = false }
        }
        if let node = mapping["retry"] {
            if let retry = retryPolicy(node) { step.retry = retry } else { valid = false }
        }
        return valid
    }

    func stepID(_ node: YAMLNode) -> String? {
        guard let id = string(node, "'id'") else { return nil }
        guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            report(.wrongValue("'id'", expected: "letters, digits, '_' or '-'", found: id), at: node.location)
            return nil
        }
        let full = idPrefix + id
        session.stepIDs.append((full, node.location, session.diagnostics.includeChain))
        return full
    }

    /// An `if:` condition, evaluated now: `${{ expr }}`, a bare expression, or true/false.
    func condition(_ node: YAMLNode) -> Bool? {
        guard let scalar = node.scalar else {
            report(.wrongNode("'if'", expected: "a bool expression", found: node.kindDescription), at: node.location)
            return nil
        }
        let source = scalar.value.contains("${{") ? scalar.value : "${{ \(scalar.value) }}"
        let shift = scalar.value.contains("${{") ? 0 : -4
        do {
            let template = try Template.parse(source)
            guard let expression = template.soleExpression else {
                report(.conditionNotBool("text"), at: node.location)
                return nil
            }
            let value = try ExpressionEvaluator(scope: scope).evaluate(expression)
            guard case .bool(let flag) = value.value else {
                report(.conditionNotBool(value.value.type.rawValue), at: node.location)
                return nil
            }
            return flag
        } catch {
            report(error.message, at: location(in: node, offset: max(0, error.offset + shift)))
            return nil
        }
    }

    private func retryPolicy(_ node: YAMLNode) -> RetryPolicy? {
        guard let mapping = MappingReader(node, "'retry'", known: ["attempts", "backoff"], context: self),
            let attemptsNode = mapping.require("attempts", in: "'retry'", context: self),
            let attempts = int(attemptsNode, "'attempts'", minimum: 1)
        else { return nil }
        var backoff = Duration.seconds(1)
        if let node = mapping["backoff"] {
            guard let value = duration(node, "'backoff'") else { return nil }
            backoff = value
        }
        return RetryPolicy(attempts: attempts, backoff: backoff)
    }

    /// How `migrationsFolder` chose: the step's key, else the plan's settings.
    func migrationsOrigin(_ mapping: MappingReader) -> String {
        guard let node = mapping["migrations"] else { return session.settings.migrationsChosenBy }
        return "'migrations' at \(node.location)"
    }

    /// A step's `migrations:` folder, else the plan's.
    func migrationsFolder(_ mapping: MappingReader) -> String? {
        guard let node = mapping["migrations"] else { return session.settings.migrations }
        return path(node, "'migrations'")
    }
}
