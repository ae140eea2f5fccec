/// How typed values enter SQL: always as a quoted identifier or a literal, never as raw text.
/// Plans assume `standard_conforming_strings = on` (PostgreSQL's default since 9.1), so a
/// backslash in a literal is just a backslash and `E''` is not needed.
enum SQLLiteral {
    static func identifier(_ name: String) -> String {
        "\"" + name.replacing("\"", with: "\"\"") + "\""
    }

    static func string(_ text: String) -> String {
        "'" + text.replacing("'", with: "''") + "'"
    }

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
