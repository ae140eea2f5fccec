/// `verify`: a list of checks, each a mapping with one check key.
extension FileContext {
    private static let checkKeys = [
        "migrations", "index", "invalid-indexes", "extension", "table", "column", "setting", "vector-recall", "query",
    ]

    func verifyStep(_ node: YAMLNode) -> VerifyStep? {
        // `verify: [checks]` or `verify: { checks: [...], migrations: DIR }`.
        var checksNode = node
        var migrations = session.settings.migrations
        if node.mapping != nil {
            guard let mapping = MappingReader(node, "'verify'", known: ["checks", "migrations"], context: self),
                let checks = mapping.require("checks", in: "'verify'", context: self)
            else { return nil }
            checksNode = checks
            if let folder = mapping["migrations"] {
                guard let resolved = path(folder, "'migrations'") else { return nil }
                migrations = resolved
            }
        }
        guard let checks = list(checksNode, "'verify'", item: { item, _ in check(item, migrations: migrations) }) else { return nil }
        if checks.isEmpty {
            report(.emptyList, at: checksNode.location)
            return nil
        }
        return VerifyStep(checks: checks)
    }

    private func check(_ node: YAMLNode, migrations: String) -> VerifyCheck? {
        guard let pairs = node.mapping else {
            report(
                .wrongNode("a verify check", expected: "a mapping such as 'table: NAME'", found: node.kindDescription), at: node.location)
            return nil
        }
        let given = pairs.compactMap { $0.key.scalar?.value }.filter { Self.checkKeys.contains($0) }
        guard let mapping = MappingReader(node, "a verify check", known: Self.checkKeys + ["expect"], context: self) else { return nil }
        guard given.count == 1, let key = given.first, let value = mapping[key] else {
            let at = given.count > 1 ? mapping.keyLocation(given[1]) ?? node.location : node.location
            if given.count > 1
                || pairs.allSatisfy({ Self.checkKeys.contains($0.key.scalar?.value ?? "") || $0.key.scalar?.value == "expect" })
            {
                report(.exclusiveKeys(Self.checkKeys, in: "a verify check"), at: at)
            }
            return nil
        }
        if key != "query", let expect = mapping.keyLocation("expect") {
            report(.keyNeedsOther("expect", needs: "a 'query:' check"), at: expect)
            return nil
        }
        guard let kind = checkKind(key, value, mapping: mapping, migrations: migrations) else { return nil }
        return VerifyCheck(kind: kind, location: node.location)
    }

    private func checkKind(_ key: String, _ value: YAMLNode, mapping: MappingReader, migrations: String) -> VerifyCheck.Kind? {
        switch key {
        case "migrations":
            guard string(value, "'migrations'") == "up-to-date" else {
                report(.migrationsUpToDateOnly, at: value.location)
                return nil
            }
            return .migrationsUpToDate(migrations: migrations)
        case "index":
            if value.scalar != nil {
                return identifier(value, "'index'").map { .index(name: $0, table: nil, method: nil, mustBeValid: true) }
            }
            guard let index = MappingReader(value, "'index'", known: ["name", "valid", "table", "using"], context: self),
                let nameNode = index.require("name", in: "'index'", context: self),
                let name = identifier(nameNode, "'name'")
            else { return nil }
            var valid = true
            let table = index["table"].map { identifier($0, "'table'") }
            let method = index["using"].map { choice($0, "'using'", as: IndexStep.Method.self) }
            let mustBeValid = index["valid"].map { bool($0, "'valid'") }
            if table == .some(nil) || method == .some(nil) || mustBeValid == .some(nil) { valid = false }
            guard valid else { return nil }
            return .index(name: name, table: table ?? nil, method: method ?? nil, mustBeValid: (mustBeValid ?? true) ?? true)
        case "invalid-indexes":
            if value.scalar != nil {
                guard string(value, "'invalid-indexes'") == "none" else {
                    report(.invalidIndexesNoneOnly, at: value.location)
                    return nil
                }
                return .noInvalidIndexes(schema: nil)
            }
            guard let options = MappingReader(value, "'invalid-indexes'", known: ["schema"], context: self),
                let schemaNode = options.require("schema", in: "'invalid-indexes'", context: self)
            else { return nil }
            return identifier(schemaNode, "'schema'").map { .noInvalidIndexes(schema: $0) }
        case "extension":
            if value.scalar != nil { return identifier(value, "'extension'").map { .extensionInstalled(name: $0, version: nil) } }
            guard let options = MappingReader(value, "'extension'", known: ["name", "version"], context: self),
                let nameNode = options.require("name", in: "'extension'", context: self),
                let name = identifier(nameNode, "'name'")
            else { return nil }
            guard let versionNode = options["version"] else { return .extensionInstalled(name: name, version: nil) }
            guard let text = string(versionNode, "'version'") else { return nil }
            guard let constraint = Self.versionConstraint(text) else {
                report(.badVersionConstraint(text), at: versionNode.location)
                return nil
            }
            return .extensionInstalled(name: name, version: constraint)
        case "table":
            if value.scalar != nil { return identifier(value, "'table'").map { .table(schema: nil, name: $0) } }
            guard let options = MappingReader(value, "'table'", known: ["schema", "name"], context: self),
                let nameNode = options.require("name", in: "'table'", context: self),
                let name = identifier(nameNode, "'name'")
            else { return nil }
            let schema = options["schema"].map { identifier($0, "'schema'") }
            if schema == .some(nil) { return nil }
            return .table(schema: schema ?? nil, name: name)
        case "column":
            guard let options = MappingReader(value, "'column'", known: ["table", "name", "type"], context: self) else { return nil }
            let table = options.require("table", in: "'column'", context: self).flatMap { identifier($0, "'table'") }
            let name = options.require("name", in: "'column'", context: self).flatMap { identifier($0, "'name'") }
            let type = options["type"].map { string($0, "'type'") }
            guard let table, let name, type != .some(nil) else { return nil }
            return .column(table: table, name: name, type: type ?? nil)
        case "setting":
            guard let options = MappingReader(value, "'setting'", known: ["name", "op", "value"], context: self) else { return nil }
            let name = options.require("name", in: "'setting'", context: self).flatMap { string($0, "'name'") }
            let expected = options.require("value", in: "'setting'", context: self).flatMap { string($0, "'value'") }
            var comparison = VerifyCheck.Comparison.equal
            if let opNode = options["op"] {
                guard let op = string(opNode, "'op'") else { return nil }
                guard let parsed = VerifyCheck.Comparison(rawValue: op == "==" ? "=" : op) else {
                    let allowed = VerifyCheck.Comparison.allCases.map(\.rawValue)
                    report(.notOneOf("'op'", value: op, allowed: allowed, suggestion: nil), at: opNode.location)
                    return nil
                }
                comparison = parsed
            }
            guard let name, let expected else { return nil }
            return .setting(name: name, comparison: comparison, value: expected)
        case "vector-recall":
            let keys = ["index", "k", "sample", "min", "probes", "ef_search", "timeout"]
            guard let options = MappingReader(value, "'vector-recall'", known: keys, context: self) else { return nil }
            let index = options.require("index", in: "'vector-recall'", context: self).flatMap { identifier($0, "'index'") }
            let minimum = options.require("min", in: "'vector-recall'", context: self).flatMap { fraction($0, "'min'") }
            guard let index, let minimum else { return nil }
            var recall = VectorRecall(index: index, minimum: minimum)
            return readRecallOptions(options, into: &recall) ? .vectorRecall(recall) : nil
        default:
            guard let sql = sql(value, "'query'") else { return nil }
            guard let expectNode = mapping["expect"] else {
                report(.queryNeedsExpect, at: mapping.keyLocation("query") ?? value.location)
                return nil
            }
            return expectation(expectNode).map { .query(sql: sql, expect: $0) }
        }
    }

    /// The recall measurement's options, the same in a `vector-recall` check and in an index
    /// step's `replace: { when: recall }`: `k`, `sample`, `probes`, `ef_search`, `timeout`.
    func readRecallOptions(_ options: MappingReader, into recall: inout VectorRecall) -> Bool {
        var valid = true
        func read<T>(_ key: String, _ reader: (YAMLNode, String) -> T?, _ apply: (T) -> Void) {
            guard let node = options[key] else { return }
            if let decoded = reader(node, "'\(key)'") { apply(decoded) } else { valid = false }
        }
        read("k", { int($0, $1, minimum: 1) }) { recall.k = $0 }
        read("sample", { int($0, $1, minimum: 1) }) { recall.sample = $0 }
        read("probes", { int($0, $1, minimum: 1) }) { recall.probes = $0 }
        read("ef_search", { int($0, $1, minimum: 1) }) { recall.efSearch = $0 }
        read("timeout", duration) { recall.timeout = $0 }
        return valid
    }

    /// `expect: VALUE`, `expect: empty` (plain), `expect: { rows: N }`, `expect: { value: V }`.
    /// A number from 0 to 1, such as a recall threshold.
    func fraction(_ node: YAMLNode, _ what: String) -> Double? {
        guard let text = string(node, what) else { return nil }
        guard let number = Double(text.trimmingWhitespace()), number >= 0, number <= 1 else {
            report(.wrongValue(what, expected: "a number from 0 to 1, e.g. 0.9", found: text), at: node.location)
            return nil
        }
        return number
    }

    private func expectation(_ node: YAMLNode) -> VerifyCheck.Expectation? {
        if let scalar = node.scalar {
            if scalar.style == .plain && scalar.value == "empty" { return .empty }
            return string(node, "'expect'").map { .value($0) }
        }
        guard let options = MappingReader(node, "'expect'", known: ["rows", "value"], context: self) else { return nil }
        switch (options["rows"], options["value"]) {
        case (let rows?, nil): return int(rows, "'rows'", minimum: 0).map { .rowCount($0) }
        case (nil, let value?): return string(value, "'value'").map { .value($0) }
        default:
            report(.exclusiveKeys(["rows", "value"], in: "'expect'"), at: node.location)
            return nil
        }
    }

    /// `>= 0.5.0`, `= 0.7.4`, or a bare version meaning `=`.
    static func versionConstraint(_ text: String) -> (VerifyCheck.Comparison, String)? {
        let trimmed = text.trimmingWhitespace()
        let operators: [(String, VerifyCheck.Comparison)] = [
            (">=", .greaterOrEqual), ("<=", .lessOrEqual), ("!=", .notEqual), ("==", .equal), (">", .greater),
            ("<", .less), ("=", .equal),
        ]
        var comparison = VerifyCheck.Comparison.equal
        var version = trimmed
        for (symbol, op) in operators where trimmed.hasPrefix(symbol) {
            comparison = op
            version = String(trimmed.dropFirst(symbol.count)).trimmingWhitespace()
            break
        }
        guard !version.isEmpty, version.first?.isNumber == true,
            version.allSatisfy({ $0.isNumber || $0 == "." || $0.isLetter || $0 == "-" })
        else { return nil }
        return (comparison, version)
    }
}
