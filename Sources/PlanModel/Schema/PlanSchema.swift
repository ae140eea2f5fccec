import SQL

/// The JSON Schema (draft 2020-12) of plan files, for editors (completion, red squiggles) and
/// CI. It checks shape: keys, types, enumerations and the one-action-per-step rule. What needs
/// the loader (param types, expressions, includes) it leaves to `plan check`; so any value may
/// also be a `${{ … }}` expression where the loader accepts one.
public enum PlanSchema {
    public static var json: String { document.json() }

    public static var document: RenderNode {
        .map([
            .init("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
            .init("$id", .string("https://plan.dev/schema/plan-1.json")),
            .init("title", .string("plan file")),
            .init("description", .string("A PostgreSQL release procedure: params, settings and steps.")),
            .init("type", .string("object")),
            .init("required", .list([.string("plan"), .string("steps")])),
            .init("additionalProperties", .bool(false)),
            .init(
                "properties",
                .map([
                    .init("plan", described("Format version; always 1.", .map([.init("enum", .list([.int(1), .string("1")]))]))),
                    .init("name", ref("text")),
                    .init("description", ref("text")),
                    .init("params", ref("params")),
                    .init("environments", ref("environments")),
                    .init("settings", ref("settings")),
                    .init("steps", .map([.init("type", .string("array")), .init("items", ref("step"))])),
                ])),
            .init("$defs", .map(definitions)),
        ])
    }

    // MARK: Building blocks

    private static func ref(_ name: String) -> RenderNode { .map([.init("$ref", .string("#/$defs/\(name)"))]) }
    private static func type(_ name: String) -> RenderNode { .map([.init("type", .string(name))]) }
    private static func anyOf(_ options: RenderNode...) -> RenderNode { .map([.init("anyOf", .list(options))]) }
    private static func constant(_ value: RenderNode) -> RenderNode { .map([.init("const", value)]) }
    private static func pattern(_ regex: String) -> RenderNode {
        .map([.init("type", .string("string")), .init("pattern", .string(regex))])
    }
    private static func choice(_ values: [String]) -> RenderNode {
        anyOf(.map([.init("enum", .list(values.map(RenderNode.string)))]), ref("expression"))
    }
    private static func described(_ text: String, _ node: RenderNode) -> RenderNode {
        guard case .map(let entries) = node else { return node }
        return .map([.init("description", .string(text))] + entries)
    }
    private static func array(_ items: RenderNode, minItems: Int? = nil) -> RenderNode {
        var entries: [RenderNode.Entry] = [.init("type", .string("array")), .init("items", items)]
        if let minItems { entries.append(.init("minItems", .int(minItems))) }
        return .map(entries)
    }
    private static func object(
        _ properties: [(String, RenderNode)], required: [String] = [], extra: [RenderNode.Entry] = []
    ) -> RenderNode {
        var entries: [RenderNode.Entry] = [
            .init("type", .string("object")),
            .init("additionalProperties", .bool(false)),
            .init("properties", .map(properties.map { .init($0.0, $0.1) })),
        ]
        if !required.isEmpty { entries.append(.init("required", .list(required.map(RenderNode.string)))) }
        return .map(entries + extra)
    }
    /// Exactly one of `keys` must be present.
    private static func exactlyOne(_ keys: [String]) -> RenderNode.Entry {
        .init("oneOf", .list(keys.map { .map([.init("required", .list([.string($0)]))]) }))
    }

    private static let commonStepProperties: [(String, RenderNode)] = [
        ("id", anyOf(pattern("^[A-Za-z0-9_-]+$"), ref("expression"))),
        ("name", ref("text")),
        ("if", described("A condition over params and env, evaluated when the plan is loaded.", anyOf(type("boolean"), type("string")))),
        ("transaction", choice(TransactionPolicy.allCases.map(\.rawValue))),
        ("timeout", ref("duration")),
        ("retry", object([("attempts", ref("int")), ("backoff", ref("duration"))], required: ["attempts"])),
    ]

    private static func step(_ key: String, _ body: RenderNode, description: String) -> RenderNode {
        described(description, object(commonStepProperties + [(key, body)], required: [key]))
    }

    // MARK: Definitions

    private static var definitions: [RenderNode.Entry] {
        let migrationName = anyOf(pattern("^[A-Za-z0-9_-]+$"), ref("expression"))
        let paramTypes = ParamType.allCases.map(\.rawValue)
        return [
            .init("expression", pattern("^\\s*\\$\\{\\{.*\\}\\}\\s*$")),
            .init("text", anyOf(type("string"), type("number"), type("boolean"))),
            .init("int", anyOf(type("integer"), pattern("^\\s*-?[0-9]+\\s*$"), ref("expression"))),
            .init("bool", anyOf(type("boolean"), pattern("^(?i:true|false)$"), ref("expression"))),
            .init(
                "duration",
                described(
                    "500ms, 5s, 2m (or 2min), 1h, 1d; 0 for none.",
                    anyOf(constant(.int(0)), pattern("^\\s*(0|[0-9]+(\\.[0-9]+)?\\s*(us|ms|s|min|m|h|d))\\s*$"), ref("expression")))),
            .init(
                "size",
                described(
                    "PostgreSQL units, 1 MB = 1024 kB: 512kB, 64MB, 1GB.",
                    anyOf(constant(.int(0)), pattern("^\\s*(0|[0-9]+(\\.[0-9]+)?\\s*(B|kB|KB|MB|GB|TB))\\s*$"), ref("expression")))),
            .init(
                "identifier",
                anyOf(
                    .map([.init("type", .string("string")), .init("minLength", .int(1)), .init("maxLength", .int(63))]), ref("expression"))),
            .init("path", type("string")),
            .init(
                "lock_timeout",
                described(
                    "PostgreSQL's lock_timeout for the first attempt of each transactional unit of a migration or sql step (default 1s); "
                        + "later attempts double it up to lock_retry.max_lock_timeout. none (or 0): wait as long as it takes, as Prisma does. "
                        + "Not the wait for the migration lock: that is lock_wait.",
                    anyOf(.map([.init("const", .string("none"))]), ref("duration")))),
            .init(
                "lock_retry",
                described(
                    "How a unit that hit a lock timeout, deadlock or serialization failure is retried whole: for up to budget "
                        + "(default 5m; 0 tries once), each attempt's lock_timeout doubling up to max_lock_timeout (default 2s).",
                    object([("budget", ref("duration")), ("max_lock_timeout", ref("duration"))]))),
            .init("migrationName", migrationName),
            .init(
                "param",
                anyOf(
                    .map([.init("enum", .list(paramTypes.map(RenderNode.string)))]),
                    object(
                        [
                            ("type", .map([.init("enum", .list(paramTypes.map(RenderNode.string)))])),
                            ("default", .map([])),
                            ("required", ref("bool")),
                            ("min", anyOf(type("integer"), type("string"))),
                            ("max", anyOf(type("integer"), type("string"))),
                            ("allowed", type("array")),
                            ("items", .map([.init("enum", .list(paramTypes.map(RenderNode.string)))])),
                            ("description", type("string")),
                        ], required: ["type"]))),
            .init(
                "params",
                .map([
                    .init("type", .string("object")),
                    .init("propertyNames", pattern("^[A-Za-z_][A-Za-z0-9_]*$")),
                    .init("additionalProperties", ref("param")),
                ])),
            .init(
                "settings",
                object([
                    ("database_url", ref("text")),
                    ("migrations", ref("path")),
                    ("lock_timeout", ref("lock_timeout")),
                    ("lock_retry", ref("lock_retry")),
                    (
                        "lock_wait",
                        described(
                            "How long to wait for the migration lock (the advisory lock another deploy holds), default 30s; --lock-wait wins.",
                            ref("duration"))
                    ),
                    ("statement_timeout", ref("duration")),
                ])),
            .init(
                "environments",
                .map([
                    .init("type", .string("object")),
                    .init("additionalProperties", object([("params", type("object")), ("settings", ref("settings"))])),
                ])),
            .init("step", .map([.init("oneOf", .list(steps(migrationName: migrationName)))])),
            .init("check", .map([.init("oneOf", .list(checks))])),
        ]
    }

    private static func steps(migrationName: RenderNode) -> [RenderNode] {
        let riskCodes = array(choice(RiskRule.all.map(\.code)))
        let migrate = anyOf(
            type("null"),
            object([
                ("migrations", ref("path")), ("to", migrationName),
                ("transaction", choice(MigrateStep.TransactionMode.allCases.map(\.rawValue))),
                ("baseline", migrationName), ("on_drift", choice(MigrateStep.OnDrift.allCases.map(\.rawValue))),
                ("allow_empty", ref("bool")), ("validate_first", ref("bool")), ("allow_drift", ref("bool")),
                ("on_failed", choice(MigrateStep.OnFailed.allCases.map(\.rawValue))),
                ("lock_timeout", ref("lock_timeout")), ("lock_retry", ref("lock_retry")), ("acknowledge", riskCodes),
            ]))
        let generate = object(
            [
                ("name", migrationName), ("migrations", ref("path")), ("sql", type("string")), ("file", ref("path")),
                ("from_step", type("string")),
            ],
            required: ["name"], extra: [exactlyOne(["sql", "file", "from_step"])])
        let key = anyOf(
            ref("identifier"),
            object(
                [
                    ("column", ref("identifier")), ("expression", type("string")), ("opclass", ref("identifier")),
                    ("order", choice(IndexStep.Key.Order.allCases.map(\.rawValue))),
                    ("nulls", choice(IndexStep.Key.Nulls.allCases.map(\.rawValue))),
                ], extra: [exactlyOne(["column", "expression"])]))
        let index = object(
            [
                ("name", ref("identifier")), ("schema", ref("identifier")), ("table", ref("identifier")),
                ("using", choice(IndexStep.Method.allCases.map(\.rawValue))),
                ("columns", anyOf(array(key, minItems: 1), ref("expression"))),
                (
                    "with",
                    .map([
                        .init("type", .string("object")),
                        .init("additionalProperties", anyOf(type("integer"), type("boolean"), type("string"))),
                    ])
                ),
                ("include", anyOf(array(ref("identifier")), ref("expression"))),
                ("where", type("string")), ("unique", ref("bool")), ("maintenance_work_mem", ref("size")),
                ("parallel_workers", ref("int")), ("lock_timeout", ref("duration")),
                ("on_invalid", choice(IndexStep.OnInvalid.allCases.map(\.rawValue))),
                ("on_conflict", choice(IndexStep.OnConflict.allCases.map(\.rawValue))),
                ("record_as", migrationName), ("migrations", ref("path")),
            ], required: ["name", "table", "columns"])
        let verify = anyOf(
            array(ref("check"), minItems: 1),
            object([("checks", array(ref("check"), minItems: 1)), ("migrations", ref("path"))], required: ["checks"]))
        let resolve = object(
            [("applied", migrationName), ("rolled_back", migrationName), ("migrations", ref("path"))],
            extra: [exactlyOne(["applied", "rolled_back"])])
        let sql = anyOf(
            type("string"),
            object(
                [
                    ("sql", type("string")), ("file", ref("path")), ("lock_timeout", ref("lock_timeout")),
                    ("lock_retry", ref("lock_retry")), ("acknowledge", riskCodes),
                ], extra: [exactlyOne(["sql", "file"])]))
        let exec = object(
            [
                ("run", anyOf(array(ref("text"), minItems: 1), ref("expression"))), ("command", type("string")),
                ("shell", ref("bool")), ("env", .map([.init("type", .string("object")), .init("additionalProperties", ref("text"))])),
                ("cwd", ref("path")),
            ],
            extra: [
                exactlyOne(["run", "command"]),
                .init(
                    "if", .map([.init("required", .list([.string("command")]))])),
                .init(
                    "then",
                    .map([
                        .init("required", .list([.string("shell")])),
                        .init("properties", .map([.init("shell", anyOf(constant(.bool(true)), ref("expression")))])),
                    ])),
            ])
        let uses = object(
            [
                ("uses", ref("path")), ("with", type("object")), ("id", commonStepProperties[0].1),
                ("if", commonStepProperties[2].1),
            ], required: ["uses"])
        return [
            step("migrate", migrate, description: "Apply pending migrations from a Prisma-layout folder."),
            step("generate", generate, description: "Write a new migration folder (create-only)."),
            step("index-concurrently", index, description: "Build an index with CREATE INDEX CONCURRENTLY, with preflight and recovery."),
            step("verify", verify, description: "Checks evaluated in one READ ONLY transaction."),
            step("resolve", resolve, description: "Mark a migration applied or rolled back, as prisma migrate resolve."),
            step("sql", sql, description: "Run SQL from a file or inline."),
            step("exec", exec, description: "Run a program: an argv list, or a shell command with shell: true."),
            described("Inline another plan's steps with its params bound from 'with:'.", uses),
        ]
    }

    private static var checks: [RenderNode] {
        func check(_ key: String, _ body: RenderNode) -> RenderNode { object([(key, body)], required: [key]) }
        return [
            check("migrations", constant(.string("up-to-date"))),
            check(
                "index",
                anyOf(
                    ref("identifier"),
                    object(
                        [
                            ("name", ref("identifier")), ("valid", ref("bool")), ("table", ref("identifier")),
                            ("using", choice(IndexStep.Method.allCases.map(\.rawValue))),
                        ], required: ["name"]))),
            check("invalid-indexes", anyOf(constant(.string("none")), object([("schema", ref("identifier"))], required: ["schema"]))),
            check(
                "extension",
                anyOf(ref("identifier"), object([("name", ref("identifier")), ("version", type("string"))], required: ["name"]))),
            check(
                "table", anyOf(ref("identifier"), object([("schema", ref("identifier")), ("name", ref("identifier"))], required: ["name"]))),
            check(
                "column",
                object([("table", ref("identifier")), ("name", ref("identifier")), ("type", type("string"))], required: ["table", "name"])),
            check(
                "setting",
                object(
                    [
                        ("name", type("string")),
                        ("op", .map([.init("enum", .list(["=", "==", "!=", "<", "<=", ">", ">="].map(RenderNode.string)))])),
                        ("value", ref("text")),
                    ], required: ["name", "value"])),
            check(
                "vector-recall",
                object(
                    [
                        ("index", ref("identifier")), ("k", ref("int")), ("sample", ref("int")),
                        ("min", .map([.init("type", .string("number")), .init("minimum", .int(0)), .init("maximum", .int(1))])),
                        ("probes", ref("int")), ("ef_search", ref("int")), ("timeout", ref("duration")),
                    ], required: ["index", "min"])),
            object(
                [
                    ("query", type("string")),
                    ("expect", anyOf(ref("text"), object([("rows", ref("int")), ("value", ref("text"))]))),
                ], required: ["query", "expect"]),
        ]
    }
}
