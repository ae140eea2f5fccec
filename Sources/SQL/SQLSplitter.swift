/// A whole SQL file split into statements, with the bytes between them.
public struct SQLScript: Sendable, Equatable {
    public var statements: [SQLStatement]
    /// Whitespace, comments and the last `;` after the last statement.
    public var trailingTrivia: String

    public init(statements: [SQLStatement], trailingTrivia: String) {
        self.statements = statements
        self.trailingTrivia = trailingTrivia
    }

    /// The input, byte for byte: every statement's leading trivia and text, then the trailing trivia.
    public var reconstructedSource: String {
        var source = ""
        for statement in statements {
            source += statement.leadingTrivia
            source += statement.text
        }
        return source + trailingTrivia
    }
}

/// Splits a SQL file into the statements PostgreSQL (and psql) would see, in memory.
/// For large files, feed an `SQLStatementStream` instead.
public enum SQLSplitter {
    public static func split(_ source: String, file: String) throws(SQLSyntaxError) -> [SQLStatement] {
        try script(source, file: file).statements
    }

    public static func split(_ bytes: [UInt8], file: String) throws(SQLSyntaxError) -> [SQLStatement] {
        try script(bytes, file: file).statements
    }

    public static func script(_ source: String, file: String) throws(SQLSyntaxError) -> SQLScript {
        try script(Array(source.utf8), file: file)
    }

    public static func script(_ bytes: [UInt8], file: String) throws(SQLSyntaxError) -> SQLScript {
        var stream = SQLStatementStream(file: file)
        var statements = try stream.feed(bytes)
        statements += try stream.finish()
        return SQLScript(statements: statements, trailingTrivia: stream.trailingTrivia)
    }
}
