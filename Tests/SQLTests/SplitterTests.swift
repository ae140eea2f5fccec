import SQL
import Testing

@Suite("Splitting statements as psql does")
struct SplitterTests {
    @Test func splitsOnSemicolonsAndKeepsPositions() throws {
        let statements = try split("SELECT 1; SELECT 2;\n  SELECT 3")
        #expect(statements.map(\.text) == ["SELECT 1", "SELECT 2", "SELECT 3"])
        #expect(statements.map(\.line) == [1, 1, 2])
        #expect(statements.map(\.column) == [1, 11, 3])
        #expect(statements.map(\.byteOffset) == [0, 10, 22])
        #expect(statements.map(\.leadingTrivia) == ["", "; ", ";\n  "])
        #expect(statements.allSatisfy { $0.file == testFile })
    }

    @Test func semicolonsInsideStringsDoNotSplit() throws {
        #expect(try texts("SELECT 'a;b'; SELECT 'it''s; ok';") == ["SELECT 'a;b'", "SELECT 'it''s; ok'"])
        #expect(try texts("SELECT '--'; SELECT '/*'; SELECT 2") == ["SELECT '--'", "SELECT '/*'", "SELECT 2"])
        #expect(try texts("SELECT '$$'; SELECT 2") == ["SELECT '$$'", "SELECT 2"])
        #expect(try texts(#"SELECT "a;b"" c" FROM t; SELECT 2"#) == [#"SELECT "a;b"" c" FROM t"#, "SELECT 2"])
    }

    @Test func escapeStringsTakeBackslashEscapes() throws {
        #expect(try texts(#"SELECT E'it\'s; still'; SELECT 2"#) == [#"SELECT E'it\'s; still'"#, "SELECT 2"])
        #expect(try texts(#"SELECT e'\\'; SELECT 2"#) == [#"SELECT e'\\'"#, "SELECT 2"])
        // An E'' string runs past the quote a backslash escapes.
        #expect(try texts(#"SELECT e'\'; SELECT 2;'"#) == [#"SELECT e'\'; SELECT 2;'"#])
    }

    @Test func backslashIsLiteralInStandardAndPrefixedStrings() throws {
        #expect(try texts(#"SELECT 'a\'; SELECT 2"#) == [#"SELECT 'a\'"#, "SELECT 2"])
        // `type'…'` is an identifier followed by a standard string, not an E'' string.
        #expect(try texts(#"SELECT type'\'; SELECT 2"#) == [#"SELECT type'\'"#, "SELECT 2"])
        #expect(try texts(#"SELECT U&'\'; SELECT 2"#) == [#"SELECT U&'\'"#, "SELECT 2"])
        #expect(
            try texts(#"SELECT u&'d\0061t\+000061;' UESCAPE '\'; SELECT 2"#)
                == [#"SELECT u&'d\0061t\+000061;' UESCAPE '\'"#, "SELECT 2"])
        #expect(try texts(#"SELECT U&"a;""b" FROM t; SELECT 2"#) == [#"SELECT U&"a;""b" FROM t"#, "SELECT 2"])
        #expect(try texts("SELECT B'01', X'1F;', N'n;'; SELECT 2") == ["SELECT B'01', X'1F;', N'n;'", "SELECT 2"])
    }

    @Test func dollarQuotes() throws {
        #expect(
            try texts("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql; SELECT 2")
                == ["CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql", "SELECT 2"])
        let nested = "DO $outer$ BEGIN EXECUTE $inner$ SELECT 1; $inner$; PERFORM '$outer'; END $outer$; SELECT 3;"
        #expect(
            try texts(nested) == [
                "DO $outer$ BEGIN EXECUTE $inner$ SELECT 1; $inner$; PERFORM '$outer'; END $outer$", "SELECT 3",
            ])
        // Tags compare case-sensitively.
        #expect(try texts("SELECT $a$ x $A$ ; $a$; SELECT 2") == ["SELECT $a$ x $A$ ; $a$", "SELECT 2"])
        #expect(try texts("SELECT $$it's; fine$$; SELECT 2") == ["SELECT $$it's; fine$$", "SELECT 2"])
        // A `$` that could start a different tag is body text; the real terminator may follow it.
        #expect(try texts("SELECT $a$ $b$a$; SELECT 2") == ["SELECT $a$ $b$a$", "SELECT 2"])
        #expect(try texts("SELECT $fn_1$ ; $fn_1$; SELECT 2") == ["SELECT $fn_1$ ; $fn_1$", "SELECT 2"])
    }

    @Test func dollarSignsThatAreNotQuotes() throws {
        // $1 is a parameter, and a tag cannot start with a digit.
        #expect(try texts("PREPARE p AS SELECT $1; SELECT 2") == ["PREPARE p AS SELECT $1", "SELECT 2"])
        #expect(try texts("SELECT $1abc$; SELECT 2") == ["SELECT $1abc$", "SELECT 2"])
        // `$` continues an identifier, so foo$bar$ opens nothing.
        #expect(try texts("SELECT foo$bar$ FROM t; SELECT 2") == ["SELECT foo$bar$ FROM t", "SELECT 2"])
    }

    @Test func comments() throws {
        let script = try SQLSplitter.script(
            "SELECT 1 /* a /* nested; */ still; */ ; SELECT /* ; */ 2 -- trailing; comment\n;", file: testFile)
        #expect(script.statements.map(\.text) == ["SELECT 1", "SELECT /* ; */ 2"])
        #expect(script.statements[1].leadingTrivia == " /* a /* nested; */ still; */ ; ")
        #expect(script.trailingTrivia == " -- trailing; comment\n;")
        // `--` starts a comment even right after an operator character or number.
        #expect(try texts("SELECT 1--2;\nSELECT 3;") == ["SELECT 1--2;\nSELECT 3"])
        // `/*/` opens a comment; its `/` does not close it.
        #expect(try texts("SELECT 1 /*/ ; */; SELECT 2") == ["SELECT 1", "SELECT 2"])
        #expect(try texts("SELECT 2 /* ** ; **/ + 1; SELECT 3") == ["SELECT 2 /* ** ; **/ + 1", "SELECT 3"])
    }

    @Test func emptyStatementsAreTrivia() throws {
        let script = try SQLSplitter.script(";;  ; -- only a comment\n/* and another */;", file: testFile)
        #expect(script.statements.isEmpty)
        #expect(script.trailingTrivia == ";;  ; -- only a comment\n/* and another */;")
        #expect(try split("").isEmpty)
    }

    @Test func sqlStandardFunctionBodies() throws {
        let body = """
            CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql
            BEGIN ATOMIC
              SELECT a + b;
              SELECT CASE WHEN a > b THEN a ELSE b END;
            END;
            SELECT 1;
            """
        let statements = try split(body)
        #expect(statements.count == 2)
        #expect(statements[0].text.hasSuffix("ELSE b END;\nEND"))
        #expect(statements[1].text == "SELECT 1")
        #expect(statements[1].line == 6)

        #expect(
            try texts(
                "create or replace procedure p() language sql begin atomic insert into t values (1); insert into t values (2); end; SELECT 2;"
            ).count == 2)
        // CASE … END inside parentheses is not counted, like psql.
        #expect(
            try texts(
                "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT (CASE WHEN true THEN 1 END); SELECT 2; END; SELECT 3"
            ).count == 2)
    }

    @Test func beginOutsideFunctionDefinitionsIsAStatement() throws {
        #expect(try texts("CREATE TABLE t (x int); BEGIN; SELECT 1; END;") == ["CREATE TABLE t (x int)", "BEGIN", "SELECT 1", "END"])
        #expect(try texts("CREATE TABLE begin_log (x int); SELECT 1;") == ["CREATE TABLE begin_log (x int)", "SELECT 1"])
        // A PL/pgSQL body is a string: its BEGIN is invisible.
        #expect(try texts("CREATE FUNCTION f() RETURNS void AS $$ BEGIN NULL; END $$ LANGUAGE plpgsql; SELECT 1;").count == 2)
        #expect(try texts("DO $$ BEGIN PERFORM 1; END $$; SELECT 1").count == 2)
    }

    @Test func semicolonInsideParenthesesDoesNotSplit() throws {
        #expect(try texts("SELECT (1; 2); SELECT 3") == ["SELECT (1; 2)", "SELECT 3"])
    }

    @Test func crlfLineEndings() throws {
        let statements = try split("SELECT 1;\r\nSELECT\r\n  2;\r\n-- done\r\n")
        #expect(statements.map(\.text) == ["SELECT 1", "SELECT\r\n  2"])
        #expect(statements.map(\.line) == [1, 2])
        #expect(statements[1].sourcePosition(ofServerPosition: 11) == SQLSourcePosition(line: 3, column: 3))
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let script = try SQLSplitter.script([0xEF, 0xBB, 0xBF] + Array("SELECT 1;\nSELECT 2".utf8), file: testFile)
        #expect(script.statements.map(\.text) == ["SELECT 1", "SELECT 2"])
        #expect(script.statements[0].line == 1)
        #expect(script.statements[0].column == 1)
        #expect(script.statements[0].byteOffset == 3)
        #expect(script.statements[0].leadingTrivia == "\u{FEFF}")
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let statements = try split("SELECT 'éé'; SELECT 2")
        #expect(statements[1].column == 14)
        #expect(statements[1].byteOffset == 15)
    }

    @Test func serverPositionsMapToTheFile() throws {
        let statement = try split("-- header\n\n    SELECT 'é',\n  nope FROM t;")[0]
        #expect(statement.line == 3)
        #expect(statement.column == 5)
        #expect(statement.sourcePosition(ofServerPosition: 1) == SQLSourcePosition(line: 3, column: 5))
        #expect(statement.sourcePosition(ofServerPosition: 8) == SQLSourcePosition(line: 3, column: 12))
        // 'é' is one character for the server: position 15 is the n of "nope".
        #expect(statement.sourcePosition(ofServerPosition: 15) == SQLSourcePosition(line: 4, column: 3))
        #expect(statement.sourcePosition(ofServerPosition: 0) == SQLSourcePosition(line: 3, column: 5))
        #expect(statement.sourcePosition(ofServerPosition: 1000) == SQLSourcePosition(line: 4, column: 14))
    }
}
