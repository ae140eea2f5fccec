import Foundation
import TestSupport
import Testing

/// Issue 19, item 5: CI dry-runs pull requests from strangers, and a plan's
/// `sql: { file: /proc/self/environ }` printed the job's secrets into the step summary. Files a
/// plan names stay inside the project root (symlinks resolved), unless `--allow-outside-root`;
/// SQL echoed into the Markdown summary cannot write Markdown of its own.
@Suite("security: files and the summary")
struct SecurityFileTests {
    static let canary = "CANARY-s3cr3t-\(UUID().uuidString.prefix(8))"

    /// Runs a dry-run of `plan` in a fresh project (with a file outside it holding the canary)
    /// and returns the output and the Markdown summary.
    static func dryRun(
        _ plan: String, extra: [String] = [], prepare: (MigrationsFixture, String) throws -> Void = { _, _ in }
    ) throws -> (PlanProcess.Output, String) {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture()
        defer { project.remove() }
        let outside = try TemporaryDirectory()
        defer { outside.remove() }
        let secretFile = try outside.write("secret.sql", "SELECT '\(canary)';\n")
        try outside.write("other.plan.yaml", "plan: 1\nname: other\nsteps:\n  - sql: SELECT '\(canary)'\n")
        try prepare(project, secretFile)
        try project.directory.write("p.plan.yaml", plan.replacing("OUTSIDE", with: outside.path))
        let summary = project.root + "/summary.md"
        let run = try PlanProcess.run(
            ["run", "p.plan.yaml", "--dry-run", "--database-url", database.url, "--summary", summary] + extra,
            environment: ["PLAN_TEST_CANARY": canary], directory: project.root)
        return (run, (try? String(contentsOfFile: summary, encoding: .utf8)) ?? "")
    }

    @Test(arguments: [
        "  - sql: { file: /proc/self/environ }", "  - sql: { file: OUTSIDE/secret.sql }", "  - uses: OUTSIDE/other.plan.yaml",
        "  - generate: { name: x, file: ../\(UUID().uuidString)/../../../proc/self/environ }",
        "  - migrate: { migrations: OUTSIDE }",
    ])
    func aPathOutsideTheProjectIsRefusedWithItsLocation(step: String) throws {
        let (run, summary) = try Self.dryRun("plan: 1\nname: files\nsteps:\n\(step)\n")
        #expect(run.status == 2, "\(run.all)")
        #expect(run.stderr.contains("p.plan.yaml:4:"), "\(run.all)")
        #expect(run.stderr.contains("outside the project root"), "\(run.all)")
        #expect(!run.all.contains(Self.canary) && !summary.contains(Self.canary))
    }

    @Test func aSymlinkOutOfTheProjectIsRefusedUnlessAllowed() throws {
        let plan = "plan: 1\nname: files\nsteps:\n  - sql: { file: sql/link.sql }\n  - migrate: {}\n"
        let links = { (project: MigrationsFixture, secret: String) in
            try project.directory.write("sql/.keep", "")
            try FileManager.default.createSymbolicLink(atPath: project.root + "/sql/link.sql", withDestinationPath: secret)
            try project.directory.write("prisma/migrations/1_a/.keep", "")
            try FileManager.default.createSymbolicLink(
                atPath: project.root + "/prisma/migrations/1_a/migration.sql", withDestinationPath: secret)
        }
        let (refused, summary) = try Self.dryRun(plan, prepare: links)
        #expect(refused.status == 1, "\(refused.all)")
        #expect(refused.all.contains("outside the project root"), "\(refused.all)")
        #expect(!refused.all.contains(Self.canary) && !summary.contains(Self.canary), "\(refused.all)\n\(summary)")

        let (allowed, _) = try Self.dryRun(plan, extra: ["--allow-outside-root"], prepare: links)
        #expect(allowed.status == 0, "\(allowed.all)")
        #expect(allowed.all.contains(Self.canary))
    }

    /// SQL from a pull request's migration and a step name cannot close the summary's code block
    /// or add HTML, links or images to the CI page.
    @Test func sqlAndNamesInTheSummaryCannotWriteMarkdown() throws {
        let plan = """
            plan: 1
            name: md
            steps:
              - name: "<img src=x onerror=alert(1)> [link](http://evil.example)"
                sql: |
                  SELECT 1;
                  ```
                  ![x](http://evil.example/leak)
                  <script>alert(1)</script>
            """
        let (run, summary) = try Self.dryRun(plan)
        #expect(run.status == 0, "\(run.all)")
        #expect(summary.contains("\n````sql\n"), "\(summary)")
        // The SQL is inside the longer fence, as written; outside it nothing is live Markdown.
        let fenced = summary.components(separatedBy: "````")
        #expect(fenced.count == 3 && fenced[1].contains("![x](http://evil.example/leak)"), "\(summary)")
        let prose = (fenced.first ?? "") + (fenced.last ?? "")
        #expect(!prose.contains("<img") && !prose.contains("[link](") && !prose.contains("<script"), "\(summary)")
        #expect(prose.contains("&lt;img src=x onerror=alert(1)&gt; \\[link\\](http://evil.example)"), "\(summary)")
    }
}
