import PlanModel
import Testing

/// The loader on small inline plans: binding precedence, secrets, includes, SQL rendering.
@Suite struct PlanLoaderTests {
    private func load(
        _ files: [String: String], file: String = "p.plan.yaml", env: String? = nil, overrides: [String: String] = [:],
        environment: [String: String] = [:]
    ) -> LoadResult {
        PlanLoader(environment: environment, fileSystem: InMemoryFileSystem(files: files)).load(file: file, env: env, overrides: overrides)
    }

    private let paramsPlan = """
        plan: 1
        params:
          lists: { type: int, default: 50 }
          wait: { type: duration, default: 5s }
          tags: { type: list, default: [a] }
        environments:
          production:
            params: { lists: 100, wait: 1m }
            settings: { lock_timeout: 3s }
        settings:
          lock_timeout: 5s
        steps:
          - migrate: {}
        """

    @Test func setWinsOverTheEnvironmentWhichWinsOverDefaults() throws {
        let plan = try #require(load(["p.plan.yaml": paramsPlan], env: "production", overrides: ["lists": "7", "tags": "x, y"]).plan)
        #expect(
            plan.params == [
                BoundParam(name: "lists", value: .int(7), origin: .commandLine),
                BoundParam(name: "wait", value: .duration(.seconds(60)), origin: .environment),
                BoundParam(name: "tags", value: .list([.string("x"), .string("y")]), origin: .commandLine),
            ])
        #expect(plan.environment == "production")
        #expect(plan.settings.lockTimeout == .seconds(3))
    }

    @Test func withoutAnEnvironmentTheDefaultsApply() throws {
        let plan = try #require(load(["p.plan.yaml": paramsPlan]).plan)
        #expect(plan.params.first == BoundParam(name: "lists", value: .int(50), origin: .default))
        #expect(plan.settings.lockTimeout == .seconds(5))
    }

    @Test func envValuesAreSecretsInShow() throws {
        let text = """
            plan: 1
            settings:
              database_url: ${{ env.DATABASE_URL }}
            steps:
              - exec:
                  run: [deploy, "--token=${{ env.TOKEN }}"]
                  env: { URL: "${{ env.DATABASE_URL }}" }
            """
        let environment = ["DATABASE_URL": "postgres://u:secret-hunter2@h/db", "TOKEN": "tok-123"]
        let plan = try #require(load(["p.plan.yaml": text], environment: environment).plan)
        #expect(plan.settings.databaseURL?.revealed == "postgres://u:secret-hunter2@h/db")
        #expect(plan.settings.databaseURL?.description == "***")
        guard case .exec(let exec) = plan.steps[0].action else {
            Issue.record("not exec")
            return
        }
        #expect(exec.command == .argv(["deploy", "--token=tok-123"]))
        for format in [PlanRenderer.Format.yaml, .json] {
            let shown = PlanRenderer().render(plan, as: format)
            #expect(!shown.contains("secret-hunter2"))
            #expect(!shown.contains("tok-123"))
            #expect(shown.contains("***"))
        }
    }

    /// An unset variable used to become '' and a database_url of '' fell back to DATABASE_URL:
    /// a plan meant for one database ran against another.
    @Test func anUnsetEnvironmentVariableIsAnErrorUnlessTheExpressionGivesADefault() throws {
        let text = """
            plan: 1
            settings:
              database_url: ${{ env.BILLING_URL }}
            steps:
              - sql: "SELECT ${{ env.LABEL || 'none' }}"
                if: ${{ env.STAGE == 'production' || env.STAGE == '' }}
            """
        let unset = load(["p.plan.yaml": text])
        #expect(unset.plan == nil)
        #expect(
            unset.diagnostics.map(\.description) == [
                "p.plan.yaml:3:21: error: environment variable BILLING_URL is not set; set it, or give a default: ${{ env.BILLING_URL || 'value' }}"
            ])

        let plan = try #require(load(["p.plan.yaml": text], environment: ["BILLING_URL": "postgres://h/billing"]).plan)
        #expect(plan.settings.databaseURL?.revealed == "postgres://h/billing")
        guard case .sql(let sql) = plan.steps[0].action else {
            Issue.record("not sql")
            return
        }
        guard case .inline(let rendered, _) = sql.source else { return }
        #expect(rendered == "SELECT 'none'")
        #expect(plan.steps[0].enabled)

        let labelled = try #require(load(["p.plan.yaml": text], environment: ["BILLING_URL": "x", "LABEL": "v1"]).plan)
        guard case .sql(let given) = labelled.steps[0].action, case .inline(let labelText, _) = given.source else { return }
        #expect(labelText == "SELECT 'v1'")
    }

    /// A `path` param passed through `with:` is relative to the file that writes it (the caller),
    /// not to the reusable plan that uses it; its default is relative to the reusable plan.
    @Test func pathParamsResolveAgainstTheFileThatWritesThem() throws {
        let files = [
            "services/billing/release.plan.yaml": """
            plan: 1
            steps:
              - uses: ../../shared/apply.plan.yaml
                with: { folder: db/migrations }
              - uses: ../../shared/apply.plan.yaml
            """,
            "shared/apply.plan.yaml": """
            plan: 1
            params:
              folder: { type: path, default: defaults/migrations }
            steps:
              - migrate: { migrations: "${{ params.folder }}" }
            """,
        ]
        let plan = try #require(load(files, file: "services/billing/release.plan.yaml").plan)
        let folders = plan.steps.compactMap { step -> String? in
            guard case .migrate(let migrate) = step.action else { return nil }
            return migrate.migrations
        }
        #expect(folders == ["services/billing/db/migrations", "shared/defaults/migrations"])
    }

    @Test func conditionsAreEvaluatedAtLoadTime() throws {
        let text = """
            plan: 1
            steps:
              - if: ${{ env.STAGE == 'production' }}
                migrate: {}
              - if: env.STAGE != 'production'
                migrate: {}
              - if: false
                migrate: {}
            """
        let plan = try #require(load(["p.plan.yaml": text], environment: ["STAGE": "production"]).plan)
        #expect(plan.steps.map(\.enabled) == [true, false, false])
    }

    @Test func includesRecordTheirChainAndPrefixIDs() throws {
        let files = [
            "plans/main.plan.yaml": """
            plan: 1
            settings: { migrations: ../prisma/migrations }
            steps:
              - id: vec
                uses: shared/index.plan.yaml
                with: { table: docs }
              - uses: shared/index.plan.yaml
                if: false
                with: { table: other }
            """,
            "plans/shared/index.plan.yaml": """
            plan: 1
            params:
              table: identifier
            steps:
              - id: build
                index-concurrently: { name: "${{ params.table }}_idx", table: "${{ params.table }}", columns: [c] }
              - sql: { file: sql/after.sql }
            """,
        ]
        let result = load(files, file: "plans/main.plan.yaml")
        let plan = try #require(result.plan, "\(result.diagnostics)")
        #expect(plan.steps.map(\.id) == ["vec.build", nil, "build", nil])
        #expect(plan.steps.map(\.enabled) == [true, true, false, false])
        #expect(plan.steps[0].includedFrom == [SourceLocation(file: "plans/main.plan.yaml", line: 5, column: 5)])
        #expect(plan.steps[0].location == SourceLocation(file: "plans/shared/index.plan.yaml", line: 5, column: 5))
        guard case .indexConcurrently(let index) = plan.steps[0].action, case .sql(let sql) = plan.steps[1].action else {
            Issue.record("wrong actions")
            return
        }
        #expect(index.name == "docs_idx")
        #expect(index.table == "docs")
        #expect(index.migrations == "prisma/migrations")
        #expect(sql.source == .file("plans/shared/sql/after.sql"))
    }

    @Test func paramsRenderIntoSQLAsLiteralsAndIdentifiersStayRaw() throws {
        let text = """
            plan: 1
            params:
              who: { type: string, default: "o'brien" }
              col: { type: identifier, default: 'Weird"Name' }
              limit: { type: int, default: 10 }
            steps:
              - sql: |
                  SELECT ${{ params.col }} FROM t
                  WHERE name = ${{ params.who }} LIMIT ${{ params.limit }};
              - index-concurrently:
                  name: ${{ params.col }}
                  table: t
                  columns: [ "${{ params.col }}" ]
                  where: ${{ params.col }} <> ${{ params.who }}
            """
        let plan = try #require(load(["p.plan.yaml": text]).plan)
        guard case .sql(let sql) = plan.steps[0].action, case .indexConcurrently(let index) = plan.steps[1].action else {
            Issue.record("wrong actions")
            return
        }
        #expect(
            sql.source
                == .inline(
                    "SELECT \"Weird\"\"Name\" FROM t\nWHERE name = 'o''brien' LIMIT 10;\n",
                    location: SourceLocation(file: "p.plan.yaml", line: 8, column: 7)))
        #expect(index.name == "Weird\"Name")
        #expect(index.keys == [IndexStep.Key(target: .column("Weird\"Name"))])
        #expect(index.predicate == "\"Weird\"\"Name\" <> 'o''brien'")
    }

    @Test func everyErrorOfAFileIsReported() {
        let text = """
            plan: 1
            steps:
              - migrat: {}
              - sql: { fil: x.sql }
              - exec: { run: [] }
              - index-concurrently: { name: i, table: t, columns: [c], using: bree }
            """
        let result = load(["p.plan.yaml": text])
        #expect(result.plan == nil)
        #expect(result.diagnostics.map { "\($0.location.line):\($0.location.column)" } == ["3:5", "4:12", "4:10", "5:18", "6:67"])
    }

    @Test func warningsDoNotStopLoading() throws {
        let files = [
            "p.plan.yaml": "plan: 1\nsteps:\n  - uses: q.plan.yaml\n",
            "q.plan.yaml": "plan: 1\nsettings: { lock_timeout: 1s }\nsteps:\n  - migrate:\n",
        ]
        let result = load(files)
        #expect(result.plan != nil)
        #expect(result.diagnostics.map(\.severity) == [.warning])
        #expect(
            result.diagnostics.first?.notes == [
                Diagnostic.Note(message: "included from here", location: SourceLocation(file: "p.plan.yaml", line: 3, column: 5))
            ])
    }

    @Test func githubAnnotationsEscapeBothHalvesOfACRLF() {
        let diagnostic = Diagnostic(
            code: "c", message: "from a Windows file:\r\nline two", location: SourceLocation(file: "a:b.yaml", line: 1, column: 1))
        #expect(
            DiagnosticRenderer(format: .github).render(diagnostic)
                == "::error file=a%3Ab.yaml,line=1,col=1,title=plan%3A c::from a Windows file:%0D%0Aline two\n")
    }

    @Test func linesBreakAtLFAndCRLF() {
        #expect("a\r\nb\nc".lines() == ["a", "b", "c"])
        #expect("one\n".lines() == ["one", ""])
        #expect("".lines() == [""])
        #expect("lone\rcr".lines() == ["lone\rcr"])
    }

    @Test func githubAnnotationsEscapeAndFoldNotes() {
        let diagnostic = Diagnostic(
            code: "unknown-key", message: "bad: 100% wrong\nreally", location: SourceLocation(file: "a,b.yaml", line: 3, column: 5),
            notes: [Diagnostic.Note(message: "included from here", location: SourceLocation(file: "m.yaml", line: 1, column: 1))])
        #expect(
            DiagnosticRenderer(format: .github).render(diagnostic)
                == "::error file=a%2Cb.yaml,line=3,col=5,title=plan%3A unknown-key::bad: 100%25 wrong%0Areally%0Am.yaml:1:1: included from here\n"
        )
    }

    @Test func textRenderingWithoutSourceIsOneLinePerDiagnostic() {
        let diagnostic = Diagnostic(code: "c", message: "m", location: SourceLocation(file: "f", line: 1, column: 2))
        #expect(DiagnosticRenderer().render([diagnostic, diagnostic]) == "f:1:2: error: m [c]\nf:1:2: error: m [c]\n")
    }

    @Test func theSchemaIsValidJSONWithTheDraftDeclared() {
        #expect(PlanSchema.json.contains("\"$schema\": \"https://json-schema.org/draft/2020-12/schema\""))
    }
}
