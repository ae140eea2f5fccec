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
    /// A description for editors (and docs/PLAN-FILE.md), the default when the key is left
    /// out, and examples.
    private static func described(
        _ text: String, _ node: RenderNode, default value: RenderNode? = nil, examples: [RenderNode] = []
    ) -> RenderNode {
        guard case .map(let entries) = node else { return node }
        var annotations: [RenderNode.Entry] = [.init("description", .string(text))]
        if let value { annotations.append(.init("default", value)) }
        if !examples.isEmpty { annotations.append(.init("examples", .list(examples))) }
        return .map(annotations + entries)
    }
    private static func doc(_ text: String, _ node: RenderNode, default value: RenderNode? = nil) -> RenderNode {
        described(text, node, default: value)
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

    private static func step(_ key: String, _ body: RenderNode, description: String, example: RenderNode) -> RenderNode {
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

    private static func steps(migrationName: RenderNode) -> [RenderNode] {
        let riskCodes = doc(
            "Risk findings (docs/RISK.md) the author accepts for this step: reported, not gating.",
            array(choice(RiskRule.all.map(\.code))))
        let migrations = doc("The migrations folder.", ref("path"), default: .string("settings.migrations"))
        let migrate = anyOf(
            type("null"),
            object([
                ("migrations", migrations),
                ("to", doc("Stop after this migration.", migrationName)),
                (
                    "transaction",
                    doc(
                        "per-migration: one transaction per migration, as Prisma; all: every pending transactional migration in one transaction.",
                        choice(MigrateStep.TransactionMode.allCases.map(\.rawValue)), default: .string("per-migration"))
                ),
                (
                    "baseline",
                    doc("For a non-empty database: mark every migration up to this one applied without running it.", migrationName)
                ),
                (
                    "on_drift",
                    doc(
                        "An applied migration whose file changed: warn and go on (as prisma migrate deploy), or fail before applying anything.",
                        choice(MigrateStep.OnDrift.allCases.map(\.rawValue)), default: .string("warn"))
                ),
                ("allow_empty", doc("A missing or empty migrations folder is expected, not an error.", ref("bool"), default: .bool(false))),
                (
                    "validate_first",
                    doc(
                        "Read and split every pending migration before applying any, so one that cannot run stops them all.", ref("bool"),
                        default: .bool(false))
                ),
                ("allow_drift", doc("Deprecated: drift warns by default; write on_drift.", ref("bool"))),
                (
                    "on_failed",
                    doc(
                        "A migration that failed earlier: stop (Prisma's P3009), or resume from its first unit that did not commit.",
                        choice(MigrateStep.OnFailed.allCases.map(\.rawValue)), default: .string("stop"))
                ),
                ("lock_timeout", ref("lock_timeout")), ("lock_retry", ref("lock_retry")), ("acknowledge", riskCodes),
            ]))
        let generate = object(
            [
                ("name", doc("The migration's name; the folder is <UTC timestamp>_<name>.", migrationName)),
                ("migrations", migrations),
                ("sql", doc("The SQL to write.", type("string"))),
                ("file", doc("A file whose SQL to write.", ref("path"))),
                ("from_step", doc("The id of a step whose SQL to write (e.g. an index-concurrently step).", type("string"))),
            ],
            required: ["name"], extra: [exactlyOne(["sql", "file", "from_step"])])
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
        let checks = doc("The checks, all evaluated, all failures reported.", array(ref("check"), minItems: 1))
        let verify = anyOf(
            array(ref("check"), minItems: 1),
            object([("checks", checks), ("migrations", migrations)], required: ["checks"]))
        let resolve = object(
            [
                ("applied", doc("Mark this migration applied (you completed it by hand).", migrationName)),
                ("rolled_back", doc("Mark this failed migration rolled back (it had no effect).", migrationName)),
                ("migrations", migrations),
            ],
            extra: [exactlyOne(["applied", "rolled_back"])])
        let sql = anyOf(
            type("string"),
            object(
                [
                    ("sql", doc("Inline SQL.", type("string"))), ("file", doc("A SQL file.", ref("path"))),
                    ("lock_timeout", ref("lock_timeout")), ("lock_retry", ref("lock_retry")), ("acknowledge", riskCodes),
                ], extra: [exactlyOne(["sql", "file"])]))
        let exec = object(
            [
                ("run", doc("The program and its arguments; no shell.", anyOf(array(ref("text"), minItems: 1), ref("expression")))),
                ("command", doc("A shell command line; needs shell: true.", type("string"))),
                ("shell", doc("Run command through /bin/sh.", ref("bool"), default: .bool(false))),
                (
                    "env",
                    doc(
                        "Environment variables for the program.",
                        .map([.init("type", .string("object")), .init("additionalProperties", ref("text"))]))
                ),
                ("cwd", doc("The working directory.", ref("path"), default: .string("the plan file's directory"))),
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
                ("uses", doc("The plan file to include, relative to this one.", ref("path"))),
                ("with", doc("Values for the included plan's params.", type("object"))),
                ("id", commonStepProperties[0].1),
                ("if", commonStepProperties[2].1),
            ], required: ["uses"])
        return [
            step(
                "migrate", migrate, description: "Apply pending migrations from a Prisma-layout folder.",
                example: .map([.init("migrate", .map([.init("on_drift", .string("fail"))]))])),
            step(
                "generate", generate, description: "Write a new migration folder (create-only).",
                example: .map([
                    .init(
                        "generate",
                        .map([.init("name", .string("add_kind")), .init("sql", .string("ALTER TABLE items ADD COLUMN kind text;"))]))
                ])),
            step(
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
                ])),
            step(
                "verify", verify, description: "Checks evaluated in one READ ONLY transaction.",
                example: .map([
                    .init(
                        "verify",
                        .list([
                            .map([.init("migrations", .string("up-to-date"))]), .map([.init("invalid-indexes", .string("none"))]),
                            .map([.init("extension", .map([.init("name", .string("vector")), .init("version", .string(">= 0.5.0"))]))]),
                        ]))
                ])),
            step(
                "resolve", resolve, description: "Mark a migration applied or rolled back, as prisma migrate resolve.",
                example: .map([.init("resolve", .map([.init("rolled_back", .string("20250101120000_init"))]))])),
            step(
                "sql", sql, description: "Run SQL from a file or inline.",
                example: .map([.init("sql", .map([.init("file", .string("sql/backfill.sql"))]))])),
            step(
                "exec", exec, description: "Run a program: an argv list, or a shell command with shell: true.",
                example: .map([.init("exec", .map([.init("run", .list([.string("npx"), .string("prisma"), .string("generate")]))]))])),
            described(
                "Inline another plan's steps with its params bound from 'with:'.", uses,
                examples: [
                    .map([
                        .init("uses", .string("plans/pgvector-index.plan.yaml")),
                        .init("with", .map([.init("table", .string("items")), .init("index", .string("items_embedding_idx"))])),
                    ])
                ]),
        ]
    }

    private static var checks: [RenderNode] {
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
