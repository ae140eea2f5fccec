/// One statement of a SQL file, exactly as the server will receive it.
///
/// `text` runs from the first byte of the statement's first token to the last byte of its last
/// token. Whitespace and comments before it, and the `;` that ended the previous statement, are its
/// `leadingTrivia`; comments *between* its tokens stay in `text`. So, for a file split into
/// statements `s` with trailing trivia `t`, `s.map { $0.leadingTrivia + $0.text }.joined() + t`
/// is the file, byte for byte (see `SQLScript.reconstructedSource`).
public struct SQLStatement: Sendable, Equatable {
    /// The bytes sent to the server, without the terminating `;`.
    public var text: String
    /// The file the statement came from, for diagnostics.
    public var file: String
    /// 1-based line of the first byte of `text`. Lines end at `\n`; `\r\n` is one line break.
    public var line: Int
    /// 1-based column of the first byte of `text`, in Unicode scalars (a UTF-8 BOM is not counted).
    public var column: Int
    /// Offset of the first byte of `text` in the file, in bytes (a BOM counts: these are file offsets).
    public var byteOffset: Int
    /// Whether it may run inside a transaction block.
    public var kind: StatementKind
    /// Whitespace, comments and the previous `;` between the previous statement's text and this one.
    public var leadingTrivia: String

    public init(
        text: String, file: String, line: Int, column: Int, byteOffset: Int, kind: StatementKind,
        leadingTrivia: String = ""
    ) {
        self.text = text
        self.file = file
        self.line = line
        self.column = column
        self.byteOffset = byteOffset
        self.kind = kind
        self.leadingTrivia = leadingTrivia
    }
}

/// A 1-based line and column in a SQL file.
public struct SQLSourcePosition: Sendable, Equatable, Hashable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

extension SQLStatement {
    /// Maps the position PostgreSQL reports for an error in this statement (`PG_DIAG_STATEMENT_POSITION`:
    /// a 1-based offset in characters, i.e. Unicode scalars for a UTF-8 database) to the file.
    ///
    /// Only valid when `text` was sent as is. Positions outside the text are clamped to its first
    /// character or to just past its last one, so a diagnostic always has a place to point at.
    public func sourcePosition(ofServerPosition position: Int) -> SQLSourcePosition {
        var line = self.line
        var column = self.column
        var remaining = max(position, 1) - 1
        for scalar in text.unicodeScalars {
            if remaining == 0 { break }
            remaining -= 1
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return SQLSourcePosition(line: line, column: column)
    }
}
