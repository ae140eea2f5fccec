/// `resolve`: Prisma's `migrate resolve`, idempotent inside a plan.
public struct ResolveStep: Sendable, Equatable {
    public enum Mark: Sendable, Equatable {
        case applied(String)
        case rolledBack(String)

        public var migrationName: String {
            switch self {
            case .applied(let name), .rolledBack(let name): name
            }
        }
    }

    public var mark: Mark
    public var migrations: String

    public init(mark: Mark, migrations: String) {
        self.mark = mark
        self.migrations = migrations
    }
}

// MARK: - Decoding

extension FileContext {
    func resolveStep(_ node: YAMLNode) -> ResolveStep? {
        let marks = ["applied", "rolled_back"]
        guard let mapping = MappingReader(node, "'resolve'", known: marks + ["migrations"], context: self),
            let migrations = migrationsFolder(mapping)
        else { return nil }
        let given = marks.filter { mapping[$0] != nil }
        guard given.count == 1, let value = mapping[given[0]] else {
            report(
                .exclusiveKeys(marks, in: "'resolve'"), at: given.count > 1 ? mapping.keyLocation(given[1]) ?? node.location : node.location
            )
            return nil
        }
        guard let name = migrationName(value, "'\(given[0])'") else { return nil }
        return ResolveStep(mark: given[0] == "applied" ? .applied(name) : .rolledBack(name), migrations: migrations)
    }
}

// MARK: - Rendering (plan show)

extension PlanRenderer {
    func render(_ step: ResolveStep, into entries: inout RenderedEntries) {
        switch step.mark {
        case .applied(let name): entries.add("applied", entries.text(name))
        case .rolledBack(let name): entries.add("rolled_back", entries.text(name))
        }
        entries.add("migrations", entries.text(step.migrations))
    }
}

// MARK: - Schema

extension PlanSchema {
    /// This step's part of `plan schema` (and docs/PLAN-FILE.md).
    static func schema(of _: ResolveStep.Type, _ shared: SharedParts) -> RenderNode {
        let migrationName = shared.migrationName
        let migrations = shared.migrations
        let resolve = object(
            [
                ("applied", doc("Mark this migration applied (you completed it by hand).", migrationName)),
                ("rolled_back", doc("Mark this failed migration rolled back (it had no effect).", migrationName)),
                ("migrations", migrations),
            ],
            extra: [exactlyOne(["applied", "rolled_back"])])
        return step(
            "resolve", resolve, description: "Mark a migration applied or rolled back, as prisma migrate resolve.",
            example: .map([.init("resolve", .map([.init("rolled_back", .string("20250101120000_init"))]))]))
    }
}
