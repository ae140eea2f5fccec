internal import SQL

/// How typed values enter SQL: always as a quoted identifier or a literal, never as raw text,
/// quoted by the tool's one quoting function (`SQLQuoting`, backslash-safe: `E'…'` when a value
/// holds a backslash, so a database with `standard_conforming_strings = off` reads it the same).
enum SQLLiteral {
    static func identifier(_ name: String) -> String { SQLQuoting.identifier(name) }

    static func string(_ text: String) -> String { SQLQuoting.literal(text) }

    /// The SQL for a value, or nil for values that would need raw splicing (lists).
    static func render(_ value: Value) -> String? {
        switch value {
        case .identifier(let name): identifier(name)
        case .string(let text): string(text)
        case .int(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .duration(let duration): string(Units.postgresFormat(duration))
        case .size(let size): string(Units.format(size))
        case .list: nil
        }
    }
}
