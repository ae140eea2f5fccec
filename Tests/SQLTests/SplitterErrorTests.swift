import SQL
import Testing

@Suite("Input the splitter rejects, with line:column and what to do")
struct SplitterErrorTests {
    @Test func unterminatedString() {
        #expect(
            splitError("SELECT 1;\nSELECT 'abc")
                == SQLSyntaxError(
                    message: "unterminated quoted string: add the closing ' (a quote inside a string is written '')",
                    file: testFile, line: 2, column: 8))
        #expect(splitError(#"SELECT E'abc\'"#)?.column == 8)
        #expect(splitError("SELECT 'it''s") != nil)
    }

    @Test func unterminatedQuotedIdentifier() {
        #expect(
            splitError("SELECT \"abc")
                == SQLSyntaxError(
                    message: "unterminated quoted identifier: add the closing \" (a quote inside an identifier is written \"\")",
                    file: testFile, line: 1, column: 8))
        #expect(splitError("SELECT U&\"abc")?.column == 8)
    }

    @Test func unterminatedDollarQuote() {
        #expect(
            splitError("SELECT 1;\n  SELECT $fn$ body $FN$;")
                == SQLSyntaxError(
                    message: "unterminated dollar-quoted string: add the closing $fn$ (tags are case-sensitive)",
                    file: testFile, line: 2, column: 10))
    }

    @Test func unterminatedNestedComment() {
        #expect(
            splitError("SELECT 1; /* a /* b */")
                == SQLSyntaxError(
                    message: "unterminated /* comment: add the closing */ (comments nest, so every /* inside needs its own */)",
                    file: testFile, line: 1, column: 11))
    }

    @Test func psqlMetaCommands() {
        #expect(
            splitError("SELECT 1;\n\\connect other\nSELECT 2;")
                == SQLSyntaxError(
                    message:
                        "psql meta-command \\connect is not supported: the server does not understand psql commands; remove it, or run this file with psql",
                    file: testFile, line: 2, column: 1))
        #expect(splitError("SELECT 1;\r\n  \\i other.sql")?.line == 2)
        // A backslash inside a string or comment is just text.
        #expect(splitError("SELECT '\\i x'; -- \\connect\n/* \\set */") == nil)
    }

    @Test func invalidUTF8() {
        let bytes = Array("SELECT 1;\nSELECT 'a".utf8) + [0xFF] + Array("b';".utf8)
        #expect(
            splitError(bytes)
                == SQLSyntaxError(
                    message: "invalid UTF-8 (byte 0xFF): SQL files must be UTF-8; re-save the file as UTF-8",
                    file: testFile, line: 2, column: 10))
        // A truncated sequence in a comment (trivia) is reported too.
        let inComment = Array("-- caf".utf8) + [0xC3] + Array("\nSELECT 1;".utf8)
        #expect(
            splitError(inComment)
                == SQLSyntaxError(
                    message: "invalid UTF-8 (byte 0xC3): SQL files must be UTF-8; re-save the file as UTF-8",
                    file: testFile, line: 1, column: 7))
    }

    static let malformed: [(bytes: [UInt8], column: Int)] = [
        ([0xC0, 0x80], 20),  // overlong NUL
        ([0xED, 0xA0, 0x80], 20),  // UTF-16 surrogate
        ([0xF4, 0x90, 0x80, 0x80], 20),  // above U+10FFFF
        ([0xE2, 0x82], 20),  // truncated before the closing quote
        ([0x80], 20),  // lone continuation byte
        (Array("😀".utf8) + [0xFE], 21),  // valid 4-byte scalar, then garbage
    ]

    @Test(arguments: malformed)
    func malformedSequencesAfterLongASCIIRuns(bytes: [UInt8], column: Int) {
        let error = splitError(Array("SELECT 'abcdefghijk".utf8) + bytes + Array("';".utf8))
        #expect(error?.line == 1)
        #expect(error?.column == column)
    }

    @Test func wellFormedMultibyteTextSplits() throws {
        let statements = try split("-- ééééééééééé 日本語 😀\nSELECT 'ü'; SELECT '😀😀'; SELECT 2")
        #expect(statements.map(\.text) == ["SELECT 'ü'", "SELECT '😀😀'", "SELECT 2"])
        #expect(statements.map(\.line) == [2, 2, 2])
        #expect(statements.map(\.column) == [1, 13, 26])
    }

    @Test func errorRendersLikeACompiler() {
        let error = SQLSyntaxError(message: "boom", file: "a.sql", line: 3, column: 4)
        #expect(error.description == "a.sql:3:4: error: boom")
    }
}
