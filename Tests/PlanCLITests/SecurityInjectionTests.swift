import Foundation
import Runner
import TestSupport
import Testing

/// Issue 19, items 1 and 2: values from `--set` and the environment cannot change the shape of
/// the SQL or of a shell command line, whatever the database's settings.
@Suite("security: injection")
struct SecurityInjectionTests {
    static let breakout = #"\')); DROP TABLE canary; --"#

    /// A database that turned `standard_conforming_strings` off (where `'\'` does not end a
    /// literal) once let `\'` end the literal early: `canary` was dropped. The database-level
    /// setting is overridden by the session pin; the plan's own `SET` by the quoter's E'' form.
    @Test(arguments: [false, true])
    func aBackslashCannotEndALiteralWhenStandardConformingStringsIsOff(setInPlan: Bool) throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE TABLE canary (id int); CREATE TABLE t (v int)")
        try connection.execute("ALTER DATABASE \(PostgresConnection.quoteIdentifier(database.name)) SET standard_conforming_strings = off")
        let project = try MigrationsFixture()
        defer { project.remove() }
        try project.directory.write(
            "p.plan.yaml",
            """
            plan: 1
            name: scs
            params:
              v: { type: string, default: x }
            steps:
              - sql: |
                  \(setInPlan ? "SET standard_conforming_strings = off;" : "")
                  INSERT INTO t VALUES (length(${{ params.v }}));
            """)
        let run = try PlanProcess.run(
            ["run", "p.plan.yaml", "--database-url", database.url, "--set", "v=\(Self.breakout)"], directory: project.root)
        #expect(run.status == 0, "\(run.all)")
        #expect(try connection.execute("SELECT count(*) FROM pg_class WHERE relname = 'canary'").scalar == "1")
        #expect(try connection.execute("SELECT v FROM t").scalar == String(Self.breakout.count))
    }

    /// Every session plan opens reads strings as the tool quotes them and speaks UTF-8, whatever
    /// the database or role says.
    @Test func sessionsPinStandardConformingStringsAndTheClientEncoding() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        let name = PostgresConnection.quoteIdentifier(database.name)
        try connection.execute("ALTER DATABASE \(name) SET standard_conforming_strings = off")
        try connection.execute("ALTER DATABASE \(name) SET client_encoding = 'LATIN1'")
        let project = try MigrationsFixture()
        defer { project.remove() }
        try project.directory.write(
            "p.plan.yaml",
            """
            plan: 1
            name: pins
            steps:
              - verify:
                  - setting: { name: standard_conforming_strings, op: '=', value: 'on' }
                  - setting: { name: client_encoding, op: '=', value: UTF8 }
            """)
        let run = try PlanProcess.run(["run", "p.plan.yaml", "--database-url", database.url], directory: project.root)
        #expect(run.status == 0, "\(run.all)")
    }

    /// `exec` with `shell: true` once spliced values into the command line: a `--set` value or an
    /// environment variable holding `; cmd` or `$(cmd)` ran `cmd`. Values now reach the shell
    /// as one single-quoted word, printed exactly as given.
    @Test func aValueInAShellCommandIsOneWordThatNeverRuns() throws {
        let project = try MigrationsFixture()
        defer { project.remove() }
        try project.directory.write(
            "p.plan.yaml",
            """
            plan: 1
            name: shell
            params:
              v: { type: string, default: x }
            steps:
              - exec:
                  command: printf '%s|' v=${{ params.v }} "w="${{ params.v }}
                  shell: true
              - exec:
                  command: printf '<%s>' ${{ env.X }}
                  shell: true
              - exec: { command: "${{ params.v }}", shell: true }
            """)
        let value = "x; touch pwned-set; echo $(touch pwned-sub) `touch pwned-bq` 'q'\\'"
        let run = try PlanProcess.run(
            ["run", "p.plan.yaml", "--set", "v=\(value)"], environment: ["X": "$(touch pwned-env)"], directory: project.root)
        #expect(run.status == 1, "\(run.all)")  // the last step runs a program named by the whole value
        #expect(run.stdout.contains("v=\(value)|w=\(value)|"), "\(run.all)")
        #expect(run.stdout.contains("<***>"), "\(run.all)")  // one word, and as an env value a secret
        let files = try FileManager.default.contentsOfDirectory(atPath: project.root)
        #expect(!files.contains { $0.hasPrefix("pwned") }, "\(files)")
    }

    /// Where a single-quoted word would not be literal text (inside "…", backquotes, a heredoc,
    /// a comment, after `\`), `plan check` refuses the plan and says how to write it safely.
    @Test(arguments: [
        #"echo "v=${{ params.v }}""#, "echo `echo ${{ params.v }}`", "cat <<EOF\n${{ params.v }}\nEOF",
        "echo x # ${{ params.v }}", #"echo \${{ params.v }}"#, "echo '${{ params.v }}'",
    ])
    func checkExplainsTheSafeFormOfAShellCommand(command: String) throws {
        let project = try MigrationsFixture()
        defer { project.remove() }
        let quoted = command.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("\n", with: "\\n")
        try project.directory.write(
            "p.plan.yaml",
            """
            plan: 1
            name: shell
            params:
              v: { type: string, default: x }
            steps:
              - exec: { command: "\(quoted)", shell: true }
            """)
        let check = try PlanProcess.run(["check", "p.plan.yaml"], directory: project.root)
        #expect(check.status == 2, "\(check.all)")
        #expect(check.all.contains("p.plan.yaml:6:"), "\(check.all)")
        #expect(check.all.contains("only as one single-quoted word"), "\(check.all)")
        #expect(check.all.contains("pass the value through 'env:' and write \"$NAME\""), "\(check.all)")
    }
}
