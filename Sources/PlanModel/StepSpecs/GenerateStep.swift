/// `generate`: write a new migration folder, like `prisma migrate dev --create-only`.
public struct GenerateStep: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// Inline SQL, already rendered (params interpolated as typed SQL).
        case sql(String)
        /// A file whose bytes become the migration; the path is resolved.
        case file(String)
        /// The SQL another step (by `id`) would run, e.g. an `index-concurrently` definition.
        case step(String)
    }

    /// The migration name after the timestamp: `<UTC YYYYMMDDHHMMSS>_<name>`.
    public var name: String
    public var migrations: String
    public var source: Source

    public init(name: String, migrations: String, source: Source) {
        self.name = name
        self.migrations = migrations
        self.source = source
    }
}

// MARK: - Decoding

extension FileContext {
    func generateStep(_ node: YAMLNode) -> GenerateStep? {
        let sources = ["sql", "file", "from_step"]
        guard let mapping = MappingReader(node, "'generate'", known: ["name", "migrations"] + sources, context: self),
            let nameNode = mapping.require("name", in: "'generate'", context: self)
        else { return nil }
        let name = migrationName(nameNode, "'name'")
        let migrations = migrationsFolder(mapping)
        let given = sources.filter { mapping[$0] != nil }
        guard given.count == 1, let value = mapping[given[0]] else {
            report(
                .exclusiveKeys(sources, in: "'generate'"),
                at: given.count > 1 ? mapping.keyLocation(given[1]) ?? node.location : node.location)
            return nil
        }
        let source: GenerateStep.Source?
        switch given[0] {
        case "sql": source = sql(value, "'sql'").map(GenerateStep.Source.sql)
        case "file": source = path(value, "'file'").map(GenerateStep.Source.file)
        default:
            source = string(value, "'from_step'").map { id in
                session.stepReferences.append((idPrefix + id, value.location, session.diagnostics.includeChain))
                return GenerateStep.Source.step(idPrefix + id)
            }
        }
        guard let name, let migrations, let source else { return nil }
        return GenerateStep(name: name, migrations: migrations, source: source)
    }
}

// MARK: - Rendering (plan show)

extension PlanRenderer {
    func render(_ step: GenerateStep, into entries: inout RenderedEntries) {
        entries.add("name", entries.text(step.name))
        entries.add("migrations", entries.text(step.migrations))
        switch step.source {
        case .sql(let sql): entries.add("sql", entries.text(sql))
        case .file(let file): entries.add("file", entries.text(file))
        case .step(let id): entries.add("from_step", entries.text(id))
        }
    }
}

// MARK: - Schema

extension PlanSchema {
    /// This step's part of `plan schema` (and docs/PLAN-FILE.md).
    static func schema(of _: GenerateStep.Type, _ shared: SharedParts) -> RenderNode {
        let migrationName = shared.migrationName
        let migrations = shared.migrations
        let generate = object(
            [
                ("name", doc("The migration's name; the folder is <UTC timestamp>_<name>.", migrationName)),
                ("migrations", migrations),
                ("sql", doc("The SQL to write.", type("string"))),
                ("file", doc("A file whose SQL to write.", ref("path"))),
                ("from_step", doc("The id of a step whose SQL to write (e.g. an index-concurrently step).", type("string"))),
            ],
            required: ["name"], extra: [exactlyOne(["sql", "file", "from_step"])])
        return step(
            "generate", generate, description: "Write a new migration folder (create-only).",
            example: .map([
                .init(
                    "generate",
                    .map([.init("name", .string("add_kind")), .init("sql", .string("ALTER TABLE items ADD COLUMN kind text;"))]))
            ]))
    }
}
