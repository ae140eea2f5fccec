import Foundation
import Runner
import TestSupport
import Testing

/// Issue 19, item 7: server and child output reached the terminal raw (an OSC sequence passed
/// through), and the suggested `plan resolve --rolled-back NAME` pasted a name from the database
/// into a command line unquoted.
@Suite("security: terminal output")
struct SecurityTerminalTests {
    @Test func controlCharactersFromOthersAreEscapedInEveryOutput() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture()
        defer { project.remove() }
        try project.directory.write(
            "n.plan.yaml",
            """
            plan: 1
            name: escapes
            steps:
              - exec: { run: [printf, '\\033]0;pwned\\007child\\n\\233 C1\\n'] }
              - sql: SELECT E'\\x1b]8;;http://evil.example\\x1b\\\\server'::int
            """)
        for format in ["text", "json"] {
            let summary = project.root + "/summary-\(format).md"
            let run = try PlanProcess.run(
                ["run", "n.plan.yaml", "--database-url", database.url, "--format", format, "--summary", summary], directory: project.root)
            let written = try String(contentsOfFile: summary, encoding: .utf8)
            #expect(run.status == 1, "\(run.all)")
            for text in [run.all, written] {
                #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B }, "\(text)")
            }
            // Shown escaped (JSON escapes the backslash once more).
            let slash = format == "json" ? #"\\"# : #"\"#
            #expect(run.all.contains("\(slash)x1B]0;pwned\(slash)x07child"), "\(run.all)")
            #expect(run.all.contains("\(slash)x1B]8;;http://evil.example\(slash)x1B"), "\(run.all)")
        }
        #expect(TerminalText.sanitized("a\tb\nc\r\u{1B}[2J\u{9B}\u{202E}") == #"a\#tb\#nc\x0D\x1B[2J\x9B\u{202E}"#)
    }

    /// A failed migration's name comes from the database; the command line plan suggests for it
    /// is shell-quoted, so pasting it runs `plan resolve` on that name and nothing else.
    @Test func theSuggestedResolveCommandQuotesTheName() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([("1_a", "CREATE TABLE a (i int);\n")])
        defer { project.remove() }
        #expect(try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root).status == 0)
        let name = "2_b$(touch pwned)'; touch pwned2"
        try database.connect().query(
            "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) VALUES ('x', 'y', $1, now(), 0)",
            [name])
        let status = try PlanProcess.run(["status", "--database-url", database.url], directory: project.root)
        #expect(status.status == 1, "\(status.all)")
        let quoted = #"'2_b$(touch pwned)'\''; touch pwned2'"#
        #expect(status.all.contains("plan resolve --rolled-back \(quoted) or --applied \(quoted)"), "\(status.all)")
        // Pasted into a shell, the command passes the name as one word.
        let echoed = try PlanProcess.run(["-c", "printf %s \(quoted)"], directory: project.root, executable: "/bin/sh")
        #expect(echoed.stdout == name)
        #expect(try FileManager.default.contentsOfDirectory(atPath: project.root).allSatisfy { !$0.hasPrefix("pwned") })
    }
}
