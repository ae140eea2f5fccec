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
                    .init("name", doc("The plan's name, shown in output and readable as plan.name.", ref("text"))),
                    .init("description", doc("What the plan is for, for people.", ref("text"))),
                    .init("params", doc("Typed parameters: --set name=value and environments override their defaults.", ref("params"))),
                    .init("environments", doc("Named sets of params and settings; --env NAME picks one.", ref("environments"))),
                    .init("settings", doc("Run-wide settings: the database URL, the migrations folder, timeouts.", ref("settings"))),
                    .init(
                        "steps",
                        doc(
                            "The steps, run in order; the first failure stops the run.",
                            .map([.init("type", .string("array")), .init("items", ref("step"))]))),
                ])),
            .init("$defs", .map(definitions)),
        ])
    }

    // MARK: Building blocks

    static func ref(_ name: String) -> RenderNode { .map([.init("$ref", .string("#/$defs/\(name)"))]) }
    static func type(_ name: String) -> RenderNode { .map([.init("type", .string(name))]) }
    static func anyOf(_ options: RenderNode...) -> RenderNode { .map([.init("anyOf", .list(options))]) }
    static func constant(_ value: RenderNode) -> RenderNode { .map([.init("const", value)]) }
    static func pattern(_ regex: String) -> RenderNode {
        .map([.init("type", .string("string")), .init("pattern", .string(regex))])
    }
    static func choice(_ values: [String]) -> RenderNode {
        anyOf(.map([.init("enum", .list(values.map(RenderNode.string)))]), ref("expression"))
    }
    /// A description for editors (and docs/PLAN-FILE.md), the default when the key is left
    /// out, and examples.
    static func described(
        _ text: String, _ node: RenderNode, default value: RenderNode? = nil, examples: [RenderNode] = []
    ) -> RenderNode {
        guard case .map(let entries) = node else { return node }
        var annotations: [RenderNode.Entry] = [.init("description", .string(text))]
        if let value { annotations.append(.init("default", value)) }
        if !examples.isEmpty { annotations.append(.init("examples", .list(examples))) }
        return .map(annotations + entries)
    }
    static func doc(_ text: String, _ node: RenderNode, default value: RenderNode? = nil) -> RenderNode {
        described(text, node, default: value)
    }
    static func array(_ items: RenderNode, minItems: Int? = nil) -> RenderNode {
        var entries: [RenderNode.Entry] = [.init("type", .string("array")), .init("items", items)]
        if let minItems { entries.append(.init("minItems", .int(minItems))) }
        return .map(entries)
    }
    static func object(
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
    static func exactlyOne(_ keys: [String]) -> RenderNode.Entry {
        .init("oneOf", .list(keys.map { .map([.init("required", .list([.string($0)]))]) }))
    }

    static let commonStepProperties: [(String, RenderNode)] = [
        (
            "id",
            doc(
                "A unique id, for from_step and to prefix the ids of an included plan.",
                anyOf(pattern("^[A-Za-z0-9_-]+$"), ref("expression")))
        ),
        ("name", doc("The name shown in output.", ref("text"), default: .string("the step's kind"))),
        ("if", described("A condition over params and env, evaluated when the plan is loaded.", anyOf(type("boolean"), type("string")))),
        (
            "transaction",
            doc(
                "auto: as the step decides; required: fail if it cannot run in one transaction; none: never wrap it.",
                choice(TransactionPolicy.allCases.map(\.rawValue)), default: .string("auto"))
        ),
        ("timeout", doc("Cancel the step (its query) after this long.", ref("duration"), default: .string("none"))),
        (
            "retry",
            doc(
                "Retry the step on errors that are safe to retry (lock timeout, serialization failure, deadlock, connection lost before commit).",
                object(
                    [
                        ("attempts", doc("How many attempts in all.", ref("int"))),
                        ("backoff", doc("The wait between attempts.", ref("duration"))),
                    ],
                    required: ["attempts"]))
        ),
    ]

    static func step(_ key: String, _ body: RenderNode, description: String, example: RenderNode) -> RenderNode {
        described(
            description, object(commonStepProperties + [(key, described(description, body))], required: [key]), examples: [example])
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
                    object([
                        ("budget", doc("How long a unit is retried in all; 0 tries once.", ref("duration"), default: .string("5m"))),
                        (
                            "max_lock_timeout",
                            doc(
                                "The largest lock_timeout of a later attempt (each doubles the one before).", ref("duration"),
                                default: .string("2s"))
                        ),
                    ]))),
            .init("migrationName", migrationName),
            .init(
                "param",
                anyOf(
                    .map([.init("enum", .list(paramTypes.map(RenderNode.string)))]),
                    object(
                        [
                            ("type", doc("The param's type.", .map([.init("enum", .list(paramTypes.map(RenderNode.string)))]))),
                            ("default", doc("The value when nothing else gives one.", .map([]))),
                            (
                                "required",
                                doc(
                                    "It must be given (--set, an environment, or with:); takes no default.", ref("bool"),
                                    default: .bool(false))
                            ),
                            ("min", doc("The smallest value of an int, size or duration.", anyOf(type("integer"), type("string")))),
                            ("max", doc("The largest value of an int, size or duration.", anyOf(type("integer"), type("string")))),
                            ("allowed", doc("The only values it may take.", type("array"))),
                            ("items", doc("The type of a list's items.", .map([.init("enum", .list(paramTypes.map(RenderNode.string)))]))),
                            ("description", doc("What it is for, for people.", type("string"))),
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
                    (
                        "database_url",
                        doc(
                            "The PostgreSQL URL; --database-url wins. Without it: the Prisma project's directUrl, then url, then DATABASE_URL, then libpq's PG* variables.",
                            ref("text"))
                    ),
                    (
                        "migrations",
                        doc(
                            "The Prisma migrations folder for steps that take one, relative to the plan file.", ref("path"),
                            default: .string("the Prisma schema's migrations folder, else prisma/migrations"))
                    ),
                    ("lock_timeout", ref("lock_timeout")),
                    ("lock_retry", ref("lock_retry")),
                    (
                        "lock_wait",
                        described(
                            "How long to wait for the migration lock (the advisory lock another deploy holds), default 30s; --lock-wait wins.",
                            ref("duration"), default: .string("30s"))
                    ),
                    (
                        "statement_timeout",
                        doc("PostgreSQL's statement_timeout for the run's session; 0 for none.", ref("duration"), default: .int(0))
                    ),
                ])),
            .init(
                "environments",
                .map([
                    .init("type", .string("object")),
                    .init(
                        "additionalProperties",
                        object([
                            ("params", doc("Values of the plan's params in this environment.", type("object"))),
                            ("settings", doc("Settings in this environment, over the plan's.", ref("settings"))),
                        ])),
                ])),
            .init("step", .map([.init("oneOf", .list(steps(migrationName: migrationName)))])),
            .init("check", .map([.init("oneOf", .list(checks))])),
        ]
    }

    /// What several steps' schemas share.
    struct SharedParts {
        var migrationName: RenderNode
        var migrations: RenderNode
        var riskCodes: RenderNode
    }

    static func steps(migrationName: RenderNode) -> [RenderNode] {
        let shared = SharedParts(
            migrationName: migrationName,
            migrations: doc("The migrations folder.", ref("path"), default: .string("settings.migrations")),
            riskCodes: doc(
                "Risk findings (docs/RISK.md) the author accepts for this step: reported, not gating.",
                array(choice(RiskRule.all.map(\.code)))))
        let uses = object(
            [
                ("uses", doc("The plan file to include, relative to this one.", ref("path"))),
                ("with", doc("Values for the included plan's params.", type("object"))),
                ("id", commonStepProperties[0].1),
                ("if", commonStepProperties[2].1),
            ], required: ["uses"])
        // Every step kind, by the compiler's count: a new kind fails here until it has a schema.
        let kinds = StepKind.allCases.map { kind -> RenderNode in
            switch kind {
            case .migrate: schema(of: MigrateStep.self, shared)
            case .generate: schema(of: GenerateStep.self, shared)
            case .indexConcurrently: schema(of: IndexStep.self, shared)
            case .verify: schema(of: VerifyStep.self, shared)
            case .resolve: schema(of: ResolveStep.self, shared)
            case .sql: schema(of: SQLStep.self, shared)
            case .exec: schema(of: ExecStep.self, shared)
            }
        }
        return kinds + [
            described(
                "Inline another plan's steps with its params bound from 'with:'.", uses,
                examples: [
                    .map([
                        .init("uses", .string("plans/pgvector-index.plan.yaml")),
                        .init("with", .map([.init("table", .string("items")), .init("index", .string("items_embedding_idx"))])),
                    ])
                ])
        ]
    }

}
