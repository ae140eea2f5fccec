/// A finding about a SQL file, as data: `plan check` renders it, CI annotations reuse it.
public struct SQLDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Equatable {
        case error, warning, note
    }

    public var severity: Severity
    /// A stable name for the rule (`sql-syntax`, `require-concurrent-index-creation`, …).
    public var code: String
    public var message: String
    public var file: String
    public var line: Int
    public var column: Int

    public init(severity: Severity, code: String, message: String, file: String, line: Int, column: Int) {
        self.severity = severity
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
    }

    init(_ severity: Severity, code: String, _ message: String, at statement: SQLStatement) {
        self.init(
            severity: severity, code: code, message: message, file: statement.file, line: statement.line, column: statement.column)
    }

    init(_ error: SQLSyntaxError) {
        self.init(severity: .error, code: "sql-syntax", message: error.message, file: error.file, line: error.line, column: error.column)
    }

    /// `file:line:column: severity: message`.
    public var description: String { "\(file):\(line):\(column): \(severity.rawValue): \(message)" }
}
