import Foundation
import SQL
import Testing

/// Realistic files under Corpus/: their statements, kinds and units, and the properties every
/// input must have (joining the pieces gives the file back; chunked streaming splits the same).
@Suite("Corpus files")
struct CorpusTests {
    static let names = ["prisma_init.sql", "explicit_block.sql", "functions.sql", "crlf_bom.sql", "pgvector.sql"]

    static func bytes(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Corpus"))
        return [UInt8](try Data(contentsOf: url))
    }

    /// Inline inputs that must also satisfy the properties, including awkward ones.
    static let inline: [String] = [
        "", ";", "   ", "SELECT 1", "SELECT 1;", "-- c", "SELECT 1 -- trailing",
        "SELECT 'é'; SELECT '日本';\n", "BEGIN; SELECT $$ ; $$; COMMIT;\r\n",
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;",
        "SELECT E'\\\\'; /* a /* b */ c */ SELECT U&\"x\"",
    ]

    @Test(arguments: names)
    func joiningThePiecesGivesTheFileBack(name: String) throws {
        let input = try Self.bytes(name)
        let script = try SQLSplitter.script(input, file: name)
        #expect(Array(script.reconstructedSource.utf8) == input)
    }

    @Test(arguments: inline)
    func joiningThePiecesGivesInlineInputBack(sql: String) throws {
        let script = try SQLSplitter.script(sql, file: testFile)
        #expect(Array(script.reconstructedSource.utf8) == Array(sql.utf8))
        #expect(script.statements.allSatisfy { !$0.text.isEmpty && $0.text.first?.isWhitespace == false })
    }

    @Test(arguments: names, [1, 2, 3, 5, 64, 4096])
    func streamingInChunksSplitsTheSame(name: String, chunkSize: Int) throws {
        let input = try Self.bytes(name)
        let whole = try SQLSplitter.script(input, file: testFile)
        #expect(try streamScript(input, chunkSize: chunkSize) == whole)
    }

    @Test(arguments: inline, [1, 2, 3])
    func streamingInlineInputInChunksSplitsTheSame(sql: String, chunkSize: Int) throws {
        let input = Array(sql.utf8)
        #expect(try streamScript(input, chunkSize: chunkSize) == SQLSplitter.script(input, file: testFile))
    }

    @Test func streamingReportsErrorsAtTheSamePlace() throws {
        let input = Array("SELECT 1;\nSELECT $tag$ never closed".utf8)
        for chunkSize in [1, 4, 100] {
            #expect(
                throws: SQLSyntaxError(
                    message: "unterminated dollar-quoted string: add the closing $tag$ (tags are case-sensitive)",
                    file: testFile, line: 2, column: 8)
            ) { try streamScript(input, chunkSize: chunkSize) }
        }
    }

    @Test func prismaInit() throws {
        let statements = try SQLSplitter.split(Self.bytes("prisma_init.sql"), file: "prisma_init.sql")
        #expect(statements.count == 5)
        #expect(statements.map(\.line) == [2, 5, 16, 25, 28])
        #expect(statements.allSatisfy { $0.kind == .transactional })
        #expect(statements[1].text.contains("'semi;colon -- not a comment /* nor this */'"))
        #expect(SQLLint.check(statements).isEmpty)
        #expect(try SQLSegmenter.units(statements).count == 1)
    }

    @Test func explicitBlock() throws {
        let statements = try SQLSplitter.split(Self.bytes("explicit_block.sql"), file: "explicit_block.sql")
        let units = try SQLSegmenter.units(statements)
        #expect(units.count == 2)
        guard case .authorBlock(let block) = units[0], case .autocommit(let index) = units[1] else {
            Issue.record("unexpected units \(units)")
            return
        }
        #expect(
            block.map(\.kind) == [
                .transactionControl(.begin), .transactionControl(.setTransaction), .transactional, .transactional,
                .transactionControl(.commit),
            ])
        #expect(index.line == 8)
    }

    @Test func functions() throws {
        let statements = try SQLSplitter.split(Self.bytes("functions.sql"), file: "functions.sql")
        #expect(statements.map(\.line) == [4, 15, 21, 28, 36, 37])
        #expect(
            statements.map { $0.text.prefix(14) } == [
                "CREATE OR REPL", "CREATE FUNCTIO", "CREATE PROCEDU", "DO $$\nBEGIN\n  ", "SELECT U&'\\004",
                "SELECT 'x' -- ",
            ])
        #expect(statements[0].text.hasSuffix("$body$"))
        #expect(statements[2].text.hasSuffix("(m || ';');\nEND"))
        #expect(statements.allSatisfy { $0.kind == .transactional })
    }

    @Test func crlfWithByteOrderMark() throws {
        let statements = try SQLSplitter.split(Self.bytes("crlf_bom.sql"), file: "crlf_bom.sql")
        #expect(statements.map(\.text) == ["CREATE TABLE t (\r\n  id int\r\n)", "CREATE INDEX t_id ON t (id)"])
        #expect(statements.map(\.line) == [1, 5])
        #expect(statements.map(\.column) == [1, 1])
        #expect(statements.map(\.byteOffset) == [3, 51])
        #expect(SQLLint.check(statements).isEmpty)
    }

    @Test func pgvector() throws {
        let statements = try SQLSplitter.split(Self.bytes("pgvector.sql"), file: "pgvector.sql")
        let units = try SQLSegmenter.units(statements)
        #expect(units.map(\.statements.count) == [3, 1, 1, 1])
        #expect(SQLLint.statementsOutsideTransaction(units).map(\.line) == [4, 7])
    }
}
