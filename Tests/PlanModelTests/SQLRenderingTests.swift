import PlanModel
import Testing

/// Params reach SQL as literals or quoted identifiers PostgreSQL reads back as the same value.
@Suite("typed params in SQL")
struct SQLRenderingTests {
    func inlineSQL(_ expression: String, param: String) -> String? {
        let plan = """
            plan: 1
            name: render
            params:
              value: \(param)
            steps:
              - sql:
                  sql: "SELECT \(expression)"
            """
        let result = PlanLoader(environment: [:], fileSystem: InMemoryFileSystem(files: ["p.plan.yaml": plan]))
            .load(file: "p.plan.yaml")
        guard case .sql(let step)? = result.plan?.steps.first?.action, case .inline(let text, _) = step.source else { return nil }
        return text
    }

    @Test(arguments: [
        ("{ type: duration, default: 2m }", "SELECT '2min'"),
        ("{ type: duration, default: 90s }", "SELECT '90s'"),
        ("{ type: duration, default: 500ms }", "SELECT '500ms'"),
        ("{ type: size, default: 64MB }", "SELECT '64MB'"),
        ("{ type: int, default: 42 }", "SELECT 42"),
        ("{ type: string, default: \"it's\" }", "SELECT 'it''s'"),
        ("{ type: identifier, default: 'a\"b' }", "SELECT \"a\"\"b\""),
    ])
    func rendersAsPostgreSQLReadsIt(param: String, sql: String) {
        #expect(inlineSQL("${{ params.value }}", param: param) == sql)
    }
}
