import Testing

@testable import PlanModel

/// The `${{ … }}` language: parsing, precedence, type checking against params, evaluation.
@Suite struct ExpressionTests {
    let scope = ExpressionScope(
        params: [
            "lists": .init(type: .int, value: TypedValue(value: .int(50))),
            "index": .init(type: .identifier, value: TypedValue(value: .identifier("idx\"x"))),
            "name": .init(type: .string, value: TypedValue(value: .string("it's"))),
            "wait": .init(type: .duration, value: TypedValue(value: .duration(.seconds(90)))),
            "memory": .init(type: .size, value: TypedValue(value: .size(ByteSize(bytes: 64 << 20)))),
            "strict": .init(type: .bool, value: TypedValue(value: .bool(true))),
            "tables": .init(type: .list, value: TypedValue(value: .list([.string("a")]))),
            "unset": .init(type: .string, value: nil),
        ],
        environment: ["STAGE": "production"], planName: "release")

    private func evaluate(_ source: String) throws(ExpressionError) -> Value {
        let template = try Template.parse(source)
        return try ExpressionEvaluator(scope: scope).evaluate(template.soleExpression!).value
    }

    @Test(arguments: [
        ("${{ params.lists == 50 }}", true),
        ("${{ params.lists != 50 }}", false),
        ("${{ params.lists >= 10 && params.lists < 100 }}", true),
        ("${{ !params.strict || params.lists > 49 }}", true),
        ("${{ !(params.strict && false) }}", true),
        ("${{ true || false && false }}", true),
        ("${{ (true || false) && false }}", false),
        ("${{ env.STAGE == 'production' }}", true),
        ("${{ env.MISSING == '' }}", true),
        ("${{ plan.name == \"release\" }}", true),
        ("${{ params.wait > '1m' }}", true),
        ("${{ params.wait <= 90s }}", true),
        ("${{ params.memory == 64MB }}", true),
        ("${{ params.memory < '1GB' }}", true),
        ("${{ params.index == 'idx\"x' }}", true),
        ("${{ params.name == 'it''s' }}", true),
        ("${{ 'b' > 'a' }}", true),
    ])
    func evaluatesToBool(_ source: String, expected: Bool) throws {
        #expect(try evaluate(source) == .bool(expected))
    }

    @Test func aSoleExpressionKeepsItsType() throws {
        #expect(try evaluate("${{ params.lists }}") == .int(50))
        #expect(try evaluate("  ${{ params.wait }} ") == .duration(.seconds(90)))
        #expect(try evaluate("${{ params.tables }}") == .list([.string("a")]))
    }

    @Test func envValuesAreSecret() throws {
        let template = try Template.parse("${{ env.STAGE }}")
        let value = try ExpressionEvaluator(scope: scope).evaluate(template.soleExpression!)
        #expect(value.isSecret)
        #expect(value.value == .string("production"))
    }

    @Test(arguments: [
        ("${{ params.list }}", "unknown param 'params.list'; did you mean 'params.lists'?", 4),
        (
            "${{ parms.lists }}",
            "unknown name 'parms.lists'; expressions read params.NAME, env.NAME and plan.name; did you mean 'params.lists'?", 4
        ),
        ("${{ lists }}", "unknown name 'lists'; expressions read params.NAME, env.NAME and plan.name; did you mean 'params.lists'?", 4),
        ("${{ params.lists > 'x' }}", "cannot compare an int with 'x' using '>'", 17),
        ("${{ params.strict < true }}", "cannot compare a bool with a bool using '<'", 18),
        ("${{ params.tables == 'a' }}", "cannot compare a list with 'a' using '=='", 18),
        ("${{ params.wait > '5 parsecs' }}", "cannot compare a duration with '5 parsecs' using '>'", 16),
        ("${{ params.lists && true }}", "'&&' needs bools on both sides, not int", 17),
        ("${{ !params.lists }}", "'!' needs a bool, not int", 4),
        ("${{ params.lists = 3 }}", "invalid expression: '=' is not an operator; compare with '=='", 17),
        ("${{ 1 < 2 < 3 }}", "invalid expression: comparisons do not chain; join them with '&&' and parentheses", 10),
        ("${{ (true }}", "invalid expression: expected ')' before the end of the expression", 10),
        ("${{ }}", "invalid expression: the expression is empty or incomplete", 4),
        ("${{ 'open }}", "invalid expression: the string is not closed; add '", 4),
        ("${{ params.lists", "invalid expression: '${{' is not closed; add '}}'", 0),
        ("${{ params.unset }}", "param 'unset' has no value here (it is optional and not set)", 4),
        ("${{ a ; b }}", "invalid expression: unexpected character ';'", 6),
    ])
    func errorsSayWhatAndWhere(_ source: String, message: String, offset: Int) {
        let error = #expect(throws: ExpressionError.self) { try evaluate(source) }
        #expect(error?.message.text == message)
        #expect(error?.offset == offset)
    }

    @Test func bothBranchesAreCheckedEvenWhenOneIsSkipped() {
        #expect(throws: ExpressionError.self) { try evaluate("${{ true || params.nope == 1 }}") }
    }

    @Test func paramValuesCannotReadParams() {
        var scope = scope
        scope.paramsReadable = false
        #expect(throws: ExpressionError(message: .paramsInParamValue, offset: 4)) {
            try ExpressionEvaluator(scope: scope).evaluate(Template.parse("${{ params.lists }}").soleExpression!)
        }
    }

    @Test func textAroundExpressionsIsKept() throws {
        let template = try Template.parse("a ${{ params.lists }} b ${{ '}}' }} c")
        #expect(template.soleExpression == nil)
        #expect(template.segments.count == 5)
    }

    @Test(arguments: [
        (Value.identifier("x\"y"), "\"x\"\"y\""),
        (.string("it's"), "'it''s'"),
        // A backslash takes the E'' form: the same meaning when standard_conforming_strings is off.
        (.string("back\\slash"), "E'back\\\\slash'"),
        (.string("\\')); DROP TABLE canary; --"), "E'\\\\'')); DROP TABLE canary; --'"),
        (.int(-5), "-5"),
        (.bool(false), "false"),
        (.size(ByteSize(bytes: 64 << 20)), "'64MB'"),
        (.duration(.milliseconds(1500)), "'1500ms'"),
    ])
    func valuesRenderIntoSQLAsLiteralsOrQuotedIdentifiers(_ value: Value, sql: String) {
        #expect(SQLLiteral.render(value) == sql)
    }

    @Test func listsWouldNeedRawSplicing() {
        #expect(SQLLiteral.render(.list([.int(1)])) == nil)
    }
}

/// Where a single-quoted word is literal text in a `/bin/sh -c` command line (issue 19, item 1).
@Suite struct ShellContextTests {
    @Test(arguments: [
        "echo ", "a=", "echo \"$(echo ", "echo \"x\" ", "( echo ", "echo $(( 1 )) ", "echo 'a'\"b\"\\c ", "echo a#",
        "cat <<'a' >/dev/null; echo ",
    ])
    func safe(_ before: String) {
        var context = ShellContext()
        context.feed(before)
        if before.contains("<<") {
            #expect(context.problem != nil)  // any heredoc: refused, conservatively
        } else {
            #expect(context.problem == nil, "\(before)")
        }
    }

    @Test(arguments: [
        "echo \"", "echo '", "echo `", "echo \"`", "echo \\", "echo $", "echo ${x:-", "echo $((", "(( ", "echo # ",
        "echo \"$(echo \"", "echo $'",
    ])
    func unsafe(_ before: String) {
        var context = ShellContext()
        context.feed(before)
        #expect(context.problem != nil, "\(before)")
    }

    @Test func quotedWordsRoundTripThroughTheShell() {
        #expect(ShellWord.quoted("it's $(id)") == #"'it'\''s $(id)'"#)
    }
}
