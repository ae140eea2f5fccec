/// `index-concurrently`: identifier fields take raw names (the engine quotes them); `where:` and
/// key expressions are SQL, where params render as literals.
extension FileContext {
    func indexStep(_ node: YAMLNode) -> IndexStep? {
        let keys = [
            "name", "schema", "table", "using", "columns", "with", "include", "where", "unique",
            "maintenance_work_mem", "parallel_workers", "lock_timeout", "on_invalid", "on_conflict", "replace",
            "allow_little_data", "record_as", "migrations",
        ]
        let what = "'index-concurrently'"
        guard let mapping = MappingReader(node, what, known: keys, context: self) else { return nil }
        let nameNode = mapping.require("name", in: what, context: self)
        let tableNode = mapping.require("table", in: what, context: self)
        let columnsNode = mapping.require("columns", in: what, context: self)
        let name = nameNode.flatMap { identifier($0, "'name'") }
        let table = tableNode.flatMap { identifier($0, "'table'") }
        let keyList = columnsNode.flatMap { indexKeys($0) }
        let migrations = migrationsFolder(mapping)
        // Go on without the required fields so the optional ones are checked too.
        var step = IndexStep(name: name ?? "", table: table ?? "", keys: keyList ?? [], migrations: migrations ?? "")
        var valid = name != nil && table != nil && keyList != nil && migrations != nil
        func read<T>(_ key: String, _ reader: (YAMLNode, String) -> T?, _ apply: (T) -> Void) {
            guard let value = mapping[key] else { return }
            if let decoded = reader(value, "'\(key)'") { apply(decoded) } else { valid = false }
        }
        read("schema", identifier) { step.schema = $0 }
        read("using", { choice($0, $1, as: IndexStep.Method.self) }) { step.method = $0 }
        read("with", { value, _ in storageParameters(value) }) { step.storage = $0 }
        read("include", { value, what in list(value, what, item: identifier) }) { step.include = $0 }
        read("where", sql) { step.predicate = $0 }
        read("unique", bool) { step.unique = $0 }
        read("maintenance_work_mem", size) { step.maintenanceWorkMem = $0 }
        read("parallel_workers", { int($0, $1, minimum: 0) }) { step.parallelWorkers = $0 }
        read("lock_timeout", duration) { step.lockTimeout = $0 }
        read("on_invalid", { choice($0, $1, as: IndexStep.OnInvalid.self) }) { step.onInvalid = $0 }
        read("on_conflict", { choice($0, $1, as: IndexStep.OnConflict.self) }) { step.onConflict = $0 }
        read("replace", { value, _ in replacement(value, name: name ?? "") }) { step.replace = $0 }
        read("allow_little_data", bool) { step.allowLittleData = $0 }
        read("record_as", migrationName) { step.recordAs = $0 }
        if !replacementFits(step, mapping) { valid = false }
        if keyList?.isEmpty == true, let columnsNode {
            report(.emptyList, at: columnsNode.location)
            valid = false
        }
        return valid ? step : nil
    }

    /// `replace: { when: recall, min: 0.95, k, sample, probes, ef_search, timeout, lock_timeout,
    /// lock_retry }` or `replace: { when: always }`: the recall keys are the `vector-recall`
    /// check's; the lock keys are the rename transaction's (the plan's by default).
    private func replacement(_ node: YAMLNode, name: String) -> IndexStep.Replacement? {
        let recallKeys = ["min", "k", "sample", "probes", "ef_search", "timeout"]
        let what = "'replace'"
        guard let mapping = MappingReader(node, what, known: ["when"] + recallKeys + ["lock_timeout", "lock_retry"], context: self),
            let whenNode = mapping.require("when", in: what, context: self),
            let when = choice(whenNode, "'when'", as: IndexStep.Replacement.When.self)
        else { return nil }
        var lockSafety = session.settings.lockSafety
        guard applyLockSafety(mapping, to: &lockSafety) else { return nil }
        switch when {
        case .always:
            if let stray = recallKeys.first(where: { mapping[$0] != nil }) {
                report(.keyNeedsOther(stray, needs: "'when: recall'"), at: mapping.keyLocation(stray) ?? node.location)
                return nil
            }
            return IndexStep.Replacement(gate: .always, lockSafety: lockSafety)
        case .recall:
            guard
                let minimum = mapping.require("min", in: "'replace' with 'when: recall'", context: self).flatMap({ fraction($0, "'min'") })
            else { return nil }
            var recall = VectorRecall(index: name, minimum: minimum)
            guard readRecallOptions(mapping, into: &recall) else { return nil }
            return IndexStep.Replacement(gate: .recall(recall), lockSafety: lockSafety)
        }
    }

    /// The keys that only make sense together: a recall gate and the pgvector setting it
    /// measures with need that method; `replace:` and `on_conflict: replace` are two answers to
    /// the same question; `allow_little_data` is about IVFFlat.
    private func replacementFits(_ step: IndexStep, _ mapping: MappingReader) -> Bool {
        var fits = true
        if step.replace != nil, mapping["on_conflict"] != nil, step.onConflict == .replace {
            report(.replaceTwice, at: mapping.keyLocation("on_conflict") ?? mapping.node.location)
            fits = false
        }
        if case .recall(let recall) = step.replace?.gate, let replaceNode = mapping["replace"] {
            func location(_ key: String) -> SourceLocation {
                replaceNode.mapping?.first { $0.key.scalar?.value == key }?.key.location ?? replaceNode.location
            }
            if !step.method.isVector {
                report(.recallNeedsVectorIndex(step.method.rawValue), at: location("when"))
                fits = false
            } else if recall.probes != nil, step.method != .ivfflat {
                report(.searchSettingForOtherMethod("probes", method: step.method.rawValue), at: location("probes"))
                fits = false
            } else if recall.efSearch != nil, step.method != .hnsw {
                report(.searchSettingForOtherMethod("ef_search", method: step.method.rawValue), at: location("ef_search"))
                fits = false
            }
        }
        if step.allowLittleData, step.method != .ivfflat, let location = mapping.keyLocation("allow_little_data") {
            report(.littleDataIsIVFFlat(step.method.rawValue), at: location)
            fits = false
        }
        return fits
    }

    /// `columns:` items: a column name, or `{ column | expression, opclass, order, nulls }`.
    private func indexKeys(_ node: YAMLNode) -> [IndexStep.Key]? {
        list(node, "'columns'") { item, what in
            if item.scalar != nil {
                return identifier(item, "'column'").map { IndexStep.Key(target: .column($0)) }
            }
            let targets = ["column", "expression"]
            guard let mapping = MappingReader(item, what, known: targets + ["opclass", "order", "nulls"], context: self) else { return nil }
            let given = targets.filter { mapping[$0] != nil }
            guard given.count == 1, let targetNode = mapping[given[0]] else {
                report(
                    .exclusiveKeys(targets, in: "an index key"),
                    at: given.count > 1 ? mapping.keyLocation(given[1]) ?? item.location : item.location)
                return nil
            }
            let target: IndexStep.Key.Target? =
                given[0] == "column"
                ? identifier(targetNode, "'column'").map { .column($0) }
                : sql(targetNode, "'expression'").map { .expression($0) }
            var key = target.map { IndexStep.Key(target: $0) }
            if let node = mapping["opclass"] {
                let opclass = identifier(node, "'opclass'")
                if opclass == nil { key = nil }
                key?.opclass = opclass
            }
            if let node = mapping["order"] {
                let order = choice(node, "'order'", as: IndexStep.Key.Order.self)
                if order == nil { key = nil }
                key?.order = order
            }
            if let node = mapping["nulls"] {
                let nulls = choice(node, "'nulls'", as: IndexStep.Key.Nulls.self)
                if nulls == nil { key = nil }
                key?.nulls = nulls
            }
            return key
        }
    }

    /// `with: { lists: 100, fastupdate: false }`: numbers, bools and single words only, so a
    /// value can never carry SQL.
    private func storageParameters(_ node: YAMLNode) -> [IndexStep.StorageParameter]? {
        guard let mapping = MappingReader(node, "'with'", known: [], context: self) else { return nil }
        var parameters: [IndexStep.StorageParameter] = []
        var valid = true
        for pair in mapping.pairs {
            guard let name = pair.key.scalar?.value else { continue }
            let what = "storage parameter '\(name)'"
            guard Self.isWord(name) else {
                report(.badIdentifier(what, name, reason: "a storage parameter name is letters, digits and '_'"), at: pair.key.location)
                valid = false
                continue
            }
            guard let value = storageValue(pair.value, what) else {
                valid = false
                continue
            }
            parameters.append(IndexStep.StorageParameter(name: name, value: value))
        }
        return valid ? parameters : nil
    }

    private func storageValue(_ node: YAMLNode, _ what: String) -> IndexStep.StorageParameter.Value? {
        guard let resolved = resolve(node, what: what) else { return nil }
        let text: String
        switch resolved {
        case .value(let typed):
            switch typed.value {
            case .int(let number): return .int(number)
            case .bool(let flag): return .bool(flag)
            case .string(let word), .identifier(let word): text = word
            default:
                report(.rawSplicing(typed.value.type.rawValue), at: node.location)
                return nil
            }
        case .literal(let literal), .text(let literal, _):
            text = literal
        }
        if let number = Int(text) { return .int(number) }
        if text == "true" || text == "false" { return .bool(text == "true") }
        guard Self.isWord(text) else {
            report(.wrongValue(what, expected: "a number, true/false or a single word", found: text), at: node.location)
            return nil
        }
        return .word(text)
    }

    static func isWord(_ text: String) -> Bool {
        guard let first = text.first, first.isLetter || first == "_" else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
