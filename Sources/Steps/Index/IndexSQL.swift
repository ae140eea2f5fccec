public import PlanModel
import Runner
import SQL

/// The statements the step runs, rendered from the typed step. Names become quoted identifiers
/// and storage-parameter words quoted literals; only what the plan author wrote as SQL (key
/// expressions, the predicate) is kept as text, each in parentheses. The build is sent with the
/// extended protocol, which accepts exactly one statement, so no text can add a second one.
public struct IndexSQL: Sendable, Equatable {
    public let step: IndexStep
    /// The table's schema as the catalog resolved it (else the step's, else none).
    public let schema: String?

    public init(step: IndexStep, schema: String? = nil) {
        self.step = step
        self.schema = schema ?? step.schema
    }

    public var qualifiedTable: String { Self.qualified(schema, step.table) }
    /// An index lives in its table's schema.
    public var qualifiedIndex: String { Self.qualified(schema, step.name) }

    public var create: String {
        var sql = "CREATE " + (step.unique ? "UNIQUE " : "") + "INDEX CONCURRENTLY IF NOT EXISTS "
        sql += SQLQuoting.identifier(step.name) + " ON " + qualifiedTable
        sql += " USING " + step.method.rawValue + " (" + step.keys.map(Self.render).joined(separator: ", ") + ")"
        if !step.include.isEmpty {
            sql += " INCLUDE (" + step.include.map(SQLQuoting.identifier).joined(separator: ", ") + ")"
        }
        if !step.storage.isEmpty {
            sql += " WITH (" + step.storage.map(Self.render).joined(separator: ", ") + ")"
        }
        if let predicate = step.predicate {
            sql += " WHERE (" + predicate + ")"
        }
        return sql
    }

    public var drop: String { "DROP INDEX CONCURRENTLY IF EXISTS " + qualifiedIndex }

    static func qualified(_ schema: String?, _ name: String) -> String {
        (schema.map { SQLQuoting.identifier($0) + "." } ?? "") + SQLQuoting.identifier(name)
    }

    static func render(_ key: IndexStep.Key) -> String {
        var text: String
        switch key.target {
        case .column(let name): text = SQLQuoting.identifier(name)
        case .expression(let expression): text = "(" + expression + ")"
        }
        if let opclass = key.opclass { text += " " + SQLQuoting.identifier(opclass) }
        if let order = key.order { text += order == .asc ? " ASC" : " DESC" }
        if let nulls = key.nulls { text += nulls == .first ? " NULLS FIRST" : " NULLS LAST" }
        return text
    }

    static func render(_ parameter: IndexStep.StorageParameter) -> String {
        SQLQuoting.identifier(parameter.name) + " = " + renderValue(parameter.value)
    }

    static func renderValue(_ value: IndexStep.StorageParameter.Value) -> String {
        switch value {
        case .int(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .word(let word): SQLQuoting.literal(word)
        }
    }
}

extension IndexStep {
    /// An integer storage parameter (`lists`, `m`, `ef_construction`), if the step sets it.
    func intParameter(_ name: String) -> Int? {
        for parameter in storage where parameter.name.lowercased() == name {
            if case .int(let value) = parameter.value { return value }
            if case .word(let word) = parameter.value { return Int(word) }
        }
        return nil
    }

    /// The schema-qualified name as users read it in messages.
    var displayName: String { (schema.map { $0 + "." } ?? "") + name }
}
