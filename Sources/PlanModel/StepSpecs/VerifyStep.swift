/// `verify`: checks evaluated together in one READ ONLY transaction; every failure is reported.
public struct VerifyStep: Sendable, Equatable {
    public var checks: [VerifyCheck]
    public init(checks: [VerifyCheck]) { self.checks = checks }
}

/// `vector-recall`: how many of the exact k nearest neighbours a pgvector index finds, over
/// sample queries, with the session settings the application uses.
public struct VectorRecall: Sendable, Equatable {
    public var index: String
    public var k: Int
    /// How many query vectors, taken from the indexed column itself.
    public var sample: Int
    /// The lowest recall@k that passes, 0…1.
    public var minimum: Double
    /// `ivfflat.probes` for the approximate queries (pgvector's default when nil).
    public var probes: Int?
    /// `hnsw.ef_search` for the approximate queries.
    public var efSearch: Int?
    /// Each query's statement_timeout, so the check's cost stays bounded.
    public var timeout: Duration

    public init(
        index: String, k: Int = 10, sample: Int = 100, minimum: Double, probes: Int? = nil, efSearch: Int? = nil,
        timeout: Duration = .seconds(30)
    ) {
        self.index = index
        self.k = k
        self.sample = sample
        self.minimum = minimum
        self.probes = probes
        self.efSearch = efSearch
        self.timeout = timeout
    }
}

public struct VerifyCheck: Sendable, Equatable {
    public enum Comparison: String, Sendable, Equatable, CaseIterable {
        case equal = "="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case
            greaterOrEqual = ">="
    }
    public enum Expectation: Sendable, Equatable {
        /// The first column of the single row equals this text.
        case value(String)
        case rowCount(Int)
        case empty
    }
    public enum Kind: Sendable, Equatable {
        /// Nothing pending, failed or drifted in this folder.
        case migrationsUpToDate(migrations: String)
        case index(name: String, table: String?, method: IndexStep.Method?, mustBeValid: Bool)
        case noInvalidIndexes(schema: String?)
        /// `version` is a comparison such as `>= 0.5.0`.
        case extensionInstalled(name: String, version: (Comparison, String)?)
        case table(schema: String?, name: String)
        case column(table: String, name: String, type: String?)
        case setting(name: String, comparison: Comparison, value: String)
        case query(sql: String, expect: Expectation)
        case vectorRecall(VectorRecall)

        public static func == (a: Kind, b: Kind) -> Bool {
            switch (a, b) {
            case (.migrationsUpToDate(let x), .migrationsUpToDate(let y)): x == y
            case (.index(let a1, let a2, let a3, let a4), .index(let b1, let b2, let b3, let b4)):
                a1 == b1 && a2 == b2 && a3 == b3 && a4 == b4
            case (.noInvalidIndexes(let x), .noInvalidIndexes(let y)): x == y
            case (.extensionInstalled(let n1, let v1), .extensionInstalled(let n2, let v2)):
                n1 == n2 && v1?.0 == v2?.0 && v1?.1 == v2?.1
            case (.table(let s1, let n1), .table(let s2, let n2)): s1 == s2 && n1 == n2
            case (.column(let t1, let n1, let y1), .column(let t2, let n2, let y2)):
                t1 == t2 && n1 == n2 && y1 == y2
            case (.setting(let n1, let c1, let v1), .setting(let n2, let c2, let v2)):
                n1 == n2 && c1 == c2 && v1 == v2
            case (.query(let s1, let e1), .query(let s2, let e2)): s1 == s2 && e1 == e2
            case (.vectorRecall(let x), .vectorRecall(let y)): x == y
            default: false
            }
        }
    }

    public var kind: Kind
    public var location: SourceLocation
    public init(kind: Kind, location: SourceLocation) {
        self.kind = kind
        self.location = location
    }
}

// MARK: - Decoding

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

// MARK: - Rendering (plan show)

extension PlanRenderer {
    func render(_ step: VerifyStep, into entries: inout RenderedEntries) {
        let plan = entries.plan
        entries.add("checks", .list(step.checks.map { check($0.kind, plan) }))
    }
}

extension PlanRenderer {
    func check(_ kind: VerifyCheck.Kind, _ plan: Plan) -> RenderNode {
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

// MARK: - Schema

extension PlanSchema {
    /// This step's part of `plan schema` (and docs/PLAN-FILE.md).
    static func schema(of _: VerifyStep.Type, _ shared: SharedParts) -> RenderNode {
        let migrations = shared.migrations
        let checks = doc("The checks, all evaluated, all failures reported.", array(ref("check"), minItems: 1))
        let verify = anyOf(
            array(ref("check"), minItems: 1),
            object([("checks", checks), ("migrations", migrations)], required: ["checks"]))
        return step(
            "verify", verify, description: "Checks evaluated in one READ ONLY transaction.",
            example: .map([
                .init(
                    "verify",
                    .list([
                        .map([.init("migrations", .string("up-to-date"))]), .map([.init("invalid-indexes", .string("none"))]),
                        .map([.init("extension", .map([.init("name", .string("vector")), .init("version", .string(">= 0.5.0"))]))]),
                    ]))
            ]))
    }
}

extension PlanSchema {
    /// Every verify check's schema (`$defs/check`).
    static var checks: [RenderNode] {
        func check(_ key: String, _ description: String, _ body: RenderNode) -> RenderNode {
            described(description, object([(key, body)], required: [key]))
        }
        return [
            check("migrations", "Nothing pending, failed or drifted in the migrations folder.", constant(.string("up-to-date"))),
            check(
                "index", "An index exists, valid by default, optionally on a table and with a method.",
                anyOf(
                    ref("identifier"),
                    object(
                        [
                            ("name", doc("The index.", ref("identifier"))),
                            ("valid", doc("It must be valid (not left INVALID by a failed build).", ref("bool"), default: .bool(true))),
                            ("table", doc("The table it must be on.", ref("identifier"))),
                            ("using", doc("The method it must use.", choice(IndexStep.Method.allCases.map(\.rawValue)))),
                        ], required: ["name"]))),
            check(
                "invalid-indexes", "No INVALID index in the schema.",
                anyOf(
                    constant(.string("none")),
                    object([("schema", doc("The schema.", ref("identifier"), default: .string("public")))], required: ["schema"]))),
            check(
                "extension", "An extension is installed, optionally at a version.",
                anyOf(
                    ref("identifier"),
                    object(
                        [
                            ("name", doc("The extension.", ref("identifier"))),
                            ("version", doc("A constraint, e.g. '>= 0.5.0'.", type("string"))),
                        ],
                        required: ["name"]))),
            check(
                "table", "A table exists.",
                anyOf(
                    ref("identifier"),
                    object(
                        [("schema", doc("Its schema.", ref("identifier"))), ("name", doc("The table.", ref("identifier")))],
                        required: ["name"]))),
            check(
                "column", "A column exists, optionally with a type (e.g. vector(1536)).",
                object(
                    [
                        ("table", doc("The table.", ref("identifier"))), ("name", doc("The column.", ref("identifier"))),
                        ("type", doc("Its type as PostgreSQL prints it.", type("string"))),
                    ], required: ["table", "name"])),
            check(
                "setting", "A server setting compares with a value.",
                object(
                    [
                        ("name", doc("The setting.", type("string"))),
                        (
                            "op",
                            doc(
                                "The comparison.",
                                .map([.init("enum", .list(["=", "==", "!=", "<", "<=", ">", ">="].map(RenderNode.string)))]),
                                default: .string("="))
                        ),
                        ("value", doc("The value to compare with.", ref("text"))),
                    ], required: ["name", "value"])),
            check(
                "vector-recall", "An approximate pgvector index finds at least min of the exact nearest neighbours.",
                object(
                    [
                        ("index", doc("The pgvector index.", ref("identifier"))), ("k", doc("Neighbours per query.", ref("int"))),
                        ("sample", doc("How many rows to query with.", ref("int"))),
                        (
                            "min",
                            doc(
                                "The least recall, 0 to 1.",
                                .map([.init("type", .string("number")), .init("minimum", .int(0)), .init("maximum", .int(1))]))
                        ),
                        ("probes", doc("ivfflat.probes for the queries.", ref("int"))),
                        ("ef_search", doc("hnsw.ef_search for the queries.", ref("int"))),
                        ("timeout", doc("How long the check may take.", ref("duration"))),
                    ], required: ["index", "min"])),
            described(
                "A query's result: a value, a row count ({ rows: N }) or empty.",
                object(
                    [
                        ("query", doc("The SQL, run read-only.", type("string"))),
                        (
                            "expect",
                            doc(
                                "A value, { rows: N }, { value: V } or empty.",
                                anyOf(ref("text"), object([("rows", ref("int")), ("value", ref("text"))])))
                        ),
                    ], required: ["query", "expect"])),
        ]
    }
}
