/// Splits SQL arriving in chunks (e.g. read from a file handle) into statements, holding only the
/// bytes of the statement in progress: memory is bounded by the longest statement, not the file.
///
/// Feed chunks of any size, split anywhere (even inside a UTF-8 character or a `$tag$`), then call
/// `finish()`; the statements come out in order, each with its leading trivia, and `trailingTrivia`
/// holds what follows the last one. A UTF-8 byte order mark at the start is skipped (kept in the
/// first trivia so the bytes still join back to the input). After an error the stream only rethrows.
public struct SQLStatementStream: Sendable {
    public let file: String
    /// Whitespace and comments after the last statement, complete once `finish()` returned.
    public private(set) var trailingTrivia = ""

    /// Bytes from `pieceStart` on; `buffer[0]` is at absolute offset `base`.
    private var buffer: [UInt8] = []
    private var base = 0
    /// Where the next statement's leading trivia starts: just past the previous statement's text.
    private var pieceStart = 0
    private var lexer = Lexer(startingAt: 0)
    private var lines = LineTracker(startingAt: 0)
    private var checkedForByteOrderMark = false
    private var failure: SQLSyntaxError?
    private var finished = false

    public init(file: String) {
        self.file = file
    }

    /// Appends `chunk` and returns the statements it completed.
    public mutating func feed(_ chunk: some Sequence<UInt8>) throws(SQLSyntaxError) -> [SQLStatement] {
        precondition(!finished, "SQLStatementStream.feed after finish")
        buffer.append(contentsOf: chunk)
        return try drain(isFinal: false)
    }

    /// Ends the input: returns the remaining statements (the last may have no `;`) and sets
    /// `trailingTrivia`. Throws if the input ends inside a string, quoted identifier or comment.
    public mutating func finish() throws(SQLSyntaxError) -> [SQLStatement] {
        precondition(!finished, "SQLStatementStream.finish called twice")
        defer { finished = true }
        return try drain(isFinal: true)
    }

    private mutating func drain(isFinal: Bool) throws(SQLSyntaxError) -> [SQLStatement] {
        if let failure { throw failure }
        if !checkedForByteOrderMark {
            guard buffer.count >= 3 || isFinal else { return [] }
            checkedForByteOrderMark = true
            if buffer.starts(with: [0xEF, 0xBB, 0xBF]) {
                lexer = Lexer(startingAt: 3)
                lines = LineTracker(startingAt: 3)
            }
        }
        // Take the buffer out of self so the closure below can mutate self while reading it, and
        // so the array stays uniquely referenced (no copy) when consumed bytes are dropped.
        var storage = buffer
        buffer = []
        var statements: [SQLStatement] = []
        let outcome: Result<Void, SQLSyntaxError> = storage.withUnsafeBufferPointer { bytes in
            do throws(SQLSyntaxError) {
                while true {
                    let event: Lexer.Event
                    do throws(Lexer.Failure) {
                        event = try lexer.scan(bytes, base: base, isFinal: isFinal)
                    } catch {
                        throw syntaxError(for: error, in: bytes)
                    }
                    guard case .statement(let text) = event else { break }
                    statements.append(try statement(text, in: bytes))
                }
                if isFinal {
                    trailingTrivia = try decode(pieceStart..<(base + bytes.count), in: bytes)
                }
                lines.advance(to: pieceStart, in: bytes, base: base)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        if case .failure(let error) = outcome {
            failure = error
            throw error
        }
        storage.removeFirst(pieceStart - base)
        base = pieceStart
        buffer = storage
        return statements
    }

    private mutating func statement(
        _ text: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>
    ) throws(SQLSyntaxError) -> SQLStatement {
        let trivia = try decode(pieceStart..<text.lowerBound, in: bytes)
        let textString = try decode(text, in: bytes)
        lines.advance(to: text.lowerBound, in: bytes, base: base)
        let textBytes = UnsafeBufferPointer(rebasing: bytes[(text.lowerBound - base)..<(text.upperBound - base)])
        pieceStart = text.upperBound
        return SQLStatement(
            text: textString, file: file, line: lines.line, column: lines.column,
            byteOffset: text.lowerBound, kind: StatementClassifier.classify(textBytes),
            leadingTrivia: trivia)
    }

    private mutating func decode(
        _ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>
    ) throws(SQLSyntaxError) -> String {
        let slice = UnsafeBufferPointer(rebasing: bytes[(range.lowerBound - base)..<(range.upperBound - base)])
        switch decodeUTF8(slice) {
        case .success(let string):
            return string
        case .failure(let invalid):
            let hex = String(invalid.byte, radix: 16, uppercase: true)
            try fail(
                "invalid UTF-8 (byte 0x\(hex.count == 1 ? "0" + hex : hex)): SQL files must be UTF-8; re-save the file as UTF-8",
                at: range.lowerBound + invalid.offset, in: bytes)
        }
    }

    private mutating func syntaxError(for failure: Lexer.Failure, in bytes: UnsafeBufferPointer<UInt8>) -> SQLSyntaxError {
        let message: String
        switch failure.reason {
        case .unterminatedString:
            message = "unterminated quoted string: add the closing ' (a quote inside a string is written '')"
        case .unterminatedQuotedIdentifier:
            message = "unterminated quoted identifier: add the closing \" (a quote inside an identifier is written \"\")"
        case .unterminatedComment:
            message = "unterminated /* comment: add the closing */ (comments nest, so every /* inside needs its own */)"
        case .unterminatedDollarQuote(let tag):
            let delimiter = "$" + String(decoding: tag, as: UTF8.self) + "$"
            message = "unterminated dollar-quoted string: add the closing \(delimiter) (tags are case-sensitive)"
        case .metaCommand(let name):
            message =
                "psql meta-command \\\(String(decoding: name, as: UTF8.self)) is not supported: the server does not understand psql commands; remove it, or run this file with psql"
        }
        lines.advance(to: failure.offset, in: bytes, base: base)
        return SQLSyntaxError(message: message, file: file, line: lines.line, column: lines.column)
    }

    private mutating func fail(_ message: String, at offset: Int, in bytes: UnsafeBufferPointer<UInt8>) throws(SQLSyntaxError) -> Never {
        lines.advance(to: offset, in: bytes, base: base)
        throw SQLSyntaxError(message: message, file: file, line: lines.line, column: lines.column)
    }
}
