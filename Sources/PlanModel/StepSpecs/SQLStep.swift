/// `sql`: run SQL from a file or inline, split into statements and classified like a migration.
public struct SQLStep: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// Inline SQL, params already rendered as typed SQL, with where it starts in the plan.
        case inline(String, location: SourceLocation)
        case file(String)
    }
    public var source: Source
    /// How its transactional units wait for locks: the plan's `lock_timeout`/`lock_retry`, or
    /// the step's own.
    public var lockSafety: LockSafety
    /// Risk rule codes the author accepts for this SQL (`acknowledge:`): reported, not gating.
    public var acknowledge: [String]
    public init(source: Source, lockSafety: LockSafety = .default, acknowledge: [String] = []) {
        self.source = source
        self.lockSafety = lockSafety
        self.acknowledge = acknowledge
    }
}

// MARK: - Decoding

extension FileContext {
    func sqlStep(_ node: YAMLNode) -> SQLStep? {
        // `sql: "SELECT 1"` is shorthand for `sql: { sql: "SELECT 1" }`.
        if node.scalar != nil && !node.isNull {
            return sql(node, "'sql'").map {
                SQLStep(source: .inline($0, location: contentLocation(of: node)), lockSafety: session.settings.lockSafety)
            }
        }
        let sources = ["sql", "file"]
        guard let mapping = MappingReader(node, "'sql'", known: sources + ["lock_timeout", "lock_retry", "acknowledge"], context: self)
        else {
            return nil
        }
        var lockSafety = session.settings.lockSafety
        guard applyLockSafety(mapping, to: &lockSafety) else { return nil }
        var acknowledge: [String] = []
        if let node = mapping["acknowledge"] {
            guard let codes = riskCodes(node, "'acknowledge'") else { return nil }
            acknowledge = codes
        }
        let given = sources.filter { mapping[$0] != nil }
        guard given.count == 1, let value = mapping[given[0]] else {
            report(
                .exclusiveKeys(sources, in: "'sql'"), at: given.count > 1 ? mapping.keyLocation(given[1]) ?? node.location : node.location)
            return nil
        }
        if given[0] == "file" {
            return path(value, "'file'").map { SQLStep(source: .file($0), lockSafety: lockSafety, acknowledge: acknowledge) }
        }
        return sql(value, "'sql'").map {
            SQLStep(source: .inline($0, location: contentLocation(of: value)), lockSafety: lockSafety, acknowledge: acknowledge)
        }
    }
}

// MARK: - Rendering (plan show)

extension PlanRenderer {
    func render(_ step: SQLStep, into entries: inout RenderedEntries) {
        let plan = entries.plan
        switch step.source {
        case .inline(let sql, let location):
            entries.add("sql", entries.text(sql))
            entries.add("sql_at", entries.text(location.description))
        case .file(let file): entries.add("file", entries.text(file))
        }
        if step.lockSafety != plan.settings.lockSafety {
            for entry in Self.lockSafety(step.lockSafety) { entries.add(entry.key, entry.value) }
        }
    }
}

// MARK: - Schema

extension PlanSchema {
    /// This step's part of `plan schema` (and docs/PLAN-FILE.md).
    static func schema(of _: SQLStep.Type, _ shared: SharedParts) -> RenderNode {
        let riskCodes = shared.riskCodes
        let sql = anyOf(
            type("string"),
            object(
                [
                    ("sql", doc("Inline SQL.", type("string"))), ("file", doc("A SQL file.", ref("path"))),
                    ("lock_timeout", ref("lock_timeout")), ("lock_retry", ref("lock_retry")), ("acknowledge", riskCodes),
                ], extra: [exactlyOne(["sql", "file"])]))
        return step(
            "sql", sql, description: "Run SQL from a file or inline.",
            example: .map([.init("sql", .map([.init("file", .string("sql/backfill.sql"))]))]))
    }
}
