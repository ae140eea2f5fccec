/// `index-concurrently`: build one index outside any transaction, with preflight and recovery.
public struct IndexStep: Sendable, Equatable {
    public enum Method: String, Sendable, Equatable, CaseIterable {
        case btree, hash, gin, gist, brin, ivfflat, hnsw
        /// Methods that pgvector provides.
        public var isVector: Bool { self == .ivfflat || self == .hnsw }
    }
    public enum OnInvalid: String, Sendable, Equatable, CaseIterable { case rebuild, fail }
    public enum OnConflict: String, Sendable, Equatable, CaseIterable { case fail, replace }

    /// `replace:`: when the existing index differs, build the wanted one under a temporary name
    /// beside it, and swap the names only if the gate passes, so the name never points at no
    /// index (`on_conflict: replace` drops first and leaves a window without one).
    public struct Replacement: Sendable, Equatable {
        public enum Gate: Sendable, Equatable {
            /// Swap once the new index is built and valid.
            case always
            /// Swap only if the new index's recall@k meets the threshold; `index` is the step's
            /// name (the run measures the temporary one).
            case recall(VectorRecall)
        }
        public enum When: String, Sendable, Equatable, CaseIterable { case recall, always }
        public var gate: Gate
        /// How the rename transaction waits for its locks (the plan's `lock_timeout`/`lock_retry`
        /// unless the mapping sets its own).
        public var lockSafety: LockSafety

        public init(gate: Gate, lockSafety: LockSafety = .default) {
            self.gate = gate
            self.lockSafety = lockSafety
        }
    }

    public struct Key: Sendable, Equatable {
        public enum Target: Sendable, Equatable {
            case column(String)
            /// An expression the plan author wrote, e.g. `lower(email)`.
            case expression(String)
        }
        public enum Order: String, Sendable, Equatable, CaseIterable { case asc, desc }
        public enum Nulls: String, Sendable, Equatable, CaseIterable { case first, last }

        public var target: Target
        public var opclass: String?
        public var order: Order?
        public var nulls: Nulls?

        public init(target: Target, opclass: String? = nil, order: Order? = nil, nulls: Nulls? = nil) {
            self.target = target
            self.opclass = opclass
            self.order = order
            self.nulls = nulls
        }
    }

    /// A storage parameter (`WITH (lists = 100)`): a number, bool or word, never raw SQL.
    public struct StorageParameter: Sendable, Equatable {
        public enum Value: Sendable, Equatable {
            case int(Int)
            case bool(Bool)
            case word(String)
        }
        public var name: String
        public var value: Value
        public init(name: String, value: Value) {
            self.name = name
            self.value = value
        }
    }

    public var name: String
    public var schema: String?
    public var table: String
    public var method: Method
    public var keys: [Key]
    public var storage: [StorageParameter]
    public var include: [String]
    /// A partial index predicate as the author wrote it.
    public var predicate: String?
    public var unique: Bool
    /// The budget the IVFFlat preflight checks against; the server's setting when nil.
    public var maintenanceWorkMem: ByteSize?
    public var parallelWorkers: Int?
    /// The build's own lock timeout (none by default; the plan-wide one does not apply).
    public var lockTimeout: Duration?
    public var onInvalid: OnInvalid
    public var onConflict: OnConflict
    /// A gated swap instead of drop-and-rebuild when the existing index differs.
    public var replace: Replacement?
    /// Build IVFFlat even when the table has too few rows for its lists (refused by default:
    /// the centres would come from too little data and recall stays poor until a rebuild).
    public var allowLittleData: Bool
    /// Mark this migration applied after the build.
    public var recordAs: String?
    public var migrations: String

    public init(
        name: String, schema: String? = nil, table: String, method: Method = .btree,
        keys: [Key], storage: [StorageParameter] = [], include: [String] = [],
        predicate: String? = nil, unique: Bool = false, maintenanceWorkMem: ByteSize? = nil,
        parallelWorkers: Int? = nil, lockTimeout: Duration? = nil, onInvalid: OnInvalid = .rebuild,
        onConflict: OnConflict = .fail, replace: Replacement? = nil, allowLittleData: Bool = false, recordAs: String? = nil,
        migrations: String = "prisma/migrations"
    ) {
        self.name = name
        self.schema = schema
        self.table = table
        self.method = method
        self.keys = keys
        self.storage = storage
        self.include = include
        self.predicate = predicate
        self.unique = unique
        self.maintenanceWorkMem = maintenanceWorkMem
        self.parallelWorkers = parallelWorkers
        self.lockTimeout = lockTimeout
        self.onInvalid = onInvalid
        self.onConflict = onConflict
        self.replace = replace
        self.allowLittleData = allowLittleData
        self.recordAs = recordAs
        self.migrations = migrations
    }
}

// MARK: - Decoding

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

// MARK: - Rendering (plan show)

extension PlanRenderer {
    func render(_ step: IndexStep, into entries: inout RenderedEntries) {
        let plan = entries.plan
        entries.add("name", entries.text(step.name))
        entries.add("schema", step.schema.map(entries.text))
        entries.add("table", entries.text(step.table))
        entries.add("using", .string(step.method.rawValue))
        entries.add(
            "columns",
            .list(
                step.keys.map { key in
                    var keyEntries: [RenderNode.Entry] = []
                    switch key.target {
                    case .column(let column): keyEntries.append(.init("column", entries.text(column)))
                    case .expression(let expression): keyEntries.append(.init("expression", entries.text(expression)))
                    }
                    if let opclass = key.opclass { keyEntries.append(.init("opclass", entries.text(opclass))) }
                    if let order = key.order { keyEntries.append(.init("order", .string(order.rawValue))) }
                    if let nulls = key.nulls { keyEntries.append(.init("nulls", .string(nulls.rawValue))) }
                    return .map(keyEntries)
                }))
        if !step.storage.isEmpty {
            entries.add(
                "with",
                .map(
                    step.storage.map { parameter in
                        switch parameter.value {
                        case .int(let number): .init(parameter.name, .int(number))
                        case .bool(let flag): .init(parameter.name, .bool(flag))
                        case .word(let word): .init(parameter.name, entries.text(word))
                        }
                    }))
        }
        if !step.include.isEmpty { entries.add("include", .list(step.include.map(entries.text))) }
        entries.add("where", step.predicate.map(entries.text))
        entries.add("unique", .bool(step.unique))
        entries.add("maintenance_work_mem", step.maintenanceWorkMem.map { .string(Units.format($0)) })
        entries.add("parallel_workers", step.parallelWorkers.map { .int($0) })
        entries.add("lock_timeout", step.lockTimeout.map { .string(Units.format($0)) })
        entries.add("on_invalid", .string(step.onInvalid.rawValue))
        entries.add("on_conflict", .string(step.onConflict.rawValue))
        if let replace = step.replace {
            var replacing: [RenderNode.Entry] = []
            switch replace.gate {
            case .always:
                replacing.append(.init("when", .string("always")))
            case .recall(let recall):
                replacing.append(.init("when", .string("recall")))
                if case .map(let recallEntries) = check(.vectorRecall(recall), plan),
                    case .map(let options) = recallEntries.first?.value
                {
                    replacing += options.filter { $0.key != "index" }
                }
            }
            replacing.append(.init("lock_timeout", .string(replace.lockSafety.lockTimeout.map(Units.format) ?? "none")))
            entries.add("replace", .map(replacing))
        }
        if step.allowLittleData { entries.add("allow_little_data", .bool(true)) }
        entries.add("record_as", step.recordAs.map(entries.text))
        entries.add("migrations", entries.text(step.migrations))
    }
}

// MARK: - Schema

extension PlanSchema {
    /// This step's part of `plan schema` (and docs/PLAN-FILE.md).
    static func schema(of _: IndexStep.Type, _ shared: SharedParts) -> RenderNode {
        let migrationName = shared.migrationName
        let migrations = shared.migrations
        let key = anyOf(
            ref("identifier"),
            object(
                [
                    ("column", doc("A column.", ref("identifier"))),
                    ("expression", doc("An expression, e.g. lower(email).", type("string"))),
                    ("opclass", doc("The operator class, e.g. vector_cosine_ops.", ref("identifier"))),
                    ("order", doc("Sort order.", choice(IndexStep.Key.Order.allCases.map(\.rawValue)), default: .string("asc"))),
                    ("nulls", doc("Where NULLs sort.", choice(IndexStep.Key.Nulls.allCases.map(\.rawValue)))),
                ], extra: [exactlyOne(["column", "expression"])]))
        let index = object(
            [
                ("name", doc("The index's name.", ref("identifier"))),
                ("schema", doc("The table's schema.", ref("identifier"), default: .string("the search_path's"))),
                ("table", doc("The table to index.", ref("identifier"))),
                ("using", doc("The index method.", choice(IndexStep.Method.allCases.map(\.rawValue)), default: .string("btree"))),
                (
                    "columns",
                    doc(
                        "The keys: column names, or mappings with column or expression. For ivfflat and hnsw, pgvector's limits apply to the type the server gives an expression, e.g. expression: embedding::halfvec(3072) for more than 2,000 dimensions.",
                        anyOf(array(key, minItems: 1), ref("expression")))
                ),
                (
                    "with",
                    doc(
                        "Storage parameters, e.g. lists for ivfflat, m and ef_construction for hnsw.",
                        .map([
                            .init("type", .string("object")),
                            .init("additionalProperties", anyOf(type("integer"), type("boolean"), type("string"))),
                        ]))
                ),
                ("include", doc("Non-key columns (INCLUDE).", anyOf(array(ref("identifier")), ref("expression")))),
                ("where", doc("A partial index's predicate.", type("string"))),
                ("unique", doc("A unique index.", ref("bool"), default: .bool(false))),
                (
                    "maintenance_work_mem",
                    doc(
                        "The build's memory, and the budget the pgvector preflight checks against.", ref("size"),
                        default: .string("the server's"))
                ),
                (
                    "parallel_workers",
                    doc(
                        "max_parallel_maintenance_workers for the build. A parallel hnsw build asks for one dynamic shared memory segment of maintenance_work_mem − 3 MB (the server's /dev/shm); if the server refuses it, the build is retried once with 0.",
                        ref("int"), default: .string("the server's"))
                ),
                (
                    "lock_timeout",
                    doc("The build's own lock_timeout; the plan's does not apply.", ref("duration"), default: .string("none"))
                ),
                (
                    "on_invalid",
                    doc(
                        "An INVALID index of that name left by a failed build: drop it and rebuild, or fail.",
                        choice(IndexStep.OnInvalid.allCases.map(\.rawValue)), default: .string("rebuild"))
                ),
                (
                    "on_conflict",
                    doc(
                        "A valid index of that name with another definition: fail, or replace it.",
                        choice(IndexStep.OnConflict.allCases.map(\.rawValue)), default: .string("fail"))
                ),
                (
                    "replace",
                    doc(
                        "When the existing index differs: build the wanted one CONCURRENTLY as NAME_plan_new, then (when: recall) "
                            + "measure its recall@k as the vector-recall check does and swap the names in one short transaction only if "
                            + "it reaches min, dropping the old index CONCURRENTLY afterwards; otherwise drop the new one and fail, the old "
                            + "one still serving. lock_timeout/lock_retry apply to the rename transaction.",
                        object(
                            [
                                (
                                    "when",
                                    doc(
                                        "recall: swap only if the new index reaches min; always: swap without measuring.",
                                        choice(IndexStep.Replacement.When.allCases.map(\.rawValue)))
                                ),
                                (
                                    "min",
                                    doc(
                                        "The lowest recall@k the new index may have (0 to 1).",
                                        .map([.init("type", .string("number")), .init("minimum", .int(0)), .init("maximum", .int(1))]))
                                ),
                                ("k", doc("How many nearest neighbours each sample query asks for.", ref("int"), default: .int(10))),
                                ("sample", doc("How many query vectors are sampled from the table.", ref("int"), default: .int(100))),
                                ("probes", doc("ivfflat.probes for the approximate queries (ivfflat only).", ref("int"))),
                                ("ef_search", doc("hnsw.ef_search for the approximate queries (hnsw only).", ref("int"))),
                                ("timeout", doc("The statement_timeout of each measuring query.", ref("duration"))),
                                ("lock_timeout", doc("For the rename transaction.", ref("lock_timeout"))),
                                ("lock_retry", doc("For the rename transaction.", ref("lock_retry"))),
                            ], required: ["when"]))
                ),
                (
                    "allow_little_data",
                    doc(
                        "ivfflat only: build even when the table has fewer rows than lists × 10 (refused by default: the lists "
                            + "would be trained on too little data and recall stays poor until a rebuild).",
                        ref("bool"))
                ),
                ("record_as", doc("Mark this migration applied after the build.", migrationName)),
                ("migrations", migrations),
            ], required: ["name", "table", "columns"])
        return step(
            "index-concurrently", index, description: "Build an index with CREATE INDEX CONCURRENTLY, with preflight and recovery.",
            example: .map([
                .init(
                    "index-concurrently",
                    .map([
                        .init("name", .string("items_embedding_idx")), .init("table", .string("items")),
                        .init("using", .string("ivfflat")),
                        .init(
                            "columns",
                            .list([.map([.init("column", .string("embedding")), .init("opclass", .string("vector_cosine_ops"))])])),
                        .init("with", .map([.init("lists", .int(100))])), .init("maintenance_work_mem", .string("256MB")),
                    ]))
            ]))
    }
}
