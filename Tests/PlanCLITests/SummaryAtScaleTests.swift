import Foundation
import TestSupport
import Testing

/// The Markdown summary CI posts, on a long history: it stays short, opens with the target,
/// shows each migration once, and goes to `$GITHUB_STEP_SUMMARY` without being asked.
@Suite("the Markdown summary at scale")
struct SummaryAtScaleTests {
    /// 800 migrations, as a long-lived service accumulates them; every 100th is a large one.
    static func longHistory() throws -> MigrationsFixture {
        let project = try MigrationsFixture()
        for number in 1...800 {
            var sql = "CREATE TABLE \"Table\(number)\" (\n    \"id\" SERIAL NOT NULL,\n    \"name\" TEXT NOT NULL,\n"
            sql += "    CONSTRAINT \"Table\(number)_pkey\" PRIMARY KEY (\"id\")\n);\n"
            sql += "CREATE INDEX \"Table\(number)_name_idx\" ON \"Table\(number)\"(\"name\");\n"
            if number % 100 == 0 {
                for row in 1...300 { sql += "INSERT INTO \"Table\(number)\" (\"name\") VALUES ('row \(row)');\n" }
            }
            try project.add(String(format: "2024%010d_table_%d", number, number), sql)
        }
        try project.directory.write(
            "release.plan.yaml", "plan: 1\nname: long-history\nsteps:\n  - migrate: {}\n  - verify:\n      - migrations: up-to-date\n")
        return project
    }

    @Test func anEightHundredMigrationHistoryFromScratchStaysUnder100KB() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try Self.longHistory()
        defer { project.remove() }
        for dryRun in [true, false] {
            let summaryFile = project.root + "/summary-\(dryRun).md"
            let run = try PlanProcess.run(
                ["run", "release.plan.yaml", "--database-url", database.url, "--summary", summaryFile] + (dryRun ? ["--dry-run"] : []),
                directory: project.root)
            #expect(run.status == 0, "\(run.all.suffix(2000))")
            let summary = try String(contentsOfFile: summaryFile, encoding: .utf8)
            #expect(summary.utf8.count < 100_000, "dry-run \(dryRun): \(summary.utf8.count) bytes")
            // The target first, then the verdict, then one table of steps.
            let lines = summary.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines[0] == (dryRun ? "## plan `long-history` — dry-run" : "## plan `long-history`"), "\(lines[0])")
            #expect(lines[4].hasPrefix("| target | `postgres@127.0.0.1:"), "\(lines[4])")
            #expect(summary.contains("| result | **OK**"), "\(summary.prefix(1000))")
            if dryRun {
                // The newest migrations with their SQL, once each; the oldest by name; a long body cut.
                #expect(summary.components(separatedBy: "<code>20240000000800_table_800</code>").count == 2)
                #expect(summary.components(separatedBy: "20240000000001_table_1`").count == 2)
                #expect(summary.contains("listed by name only"))
                #expect(summary.contains("more lines*"))
                #expect(!summary.contains("('row 300')"))
            } else {
                #expect(summary.contains("other lines more: the job's log has every line"), "\(summary.suffix(3000))")
            }
        }
    }

    /// In GitHub Actions, `$GITHUB_STEP_SUMMARY` gets the summary; `--summary` wins over it.
    @Test func theStepSummaryIsWrittenWhenGitHubAsksForIt() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([("1_a", "CREATE TABLE a (id int);\n")])
        defer { project.remove() }
        let stepSummary = project.root + "/step-summary.md"
        let given = project.root + "/given.md"
        let run = try PlanProcess.run(
            ["migrate", "--dry-run", "--database-url", database.url], environment: ["GITHUB_STEP_SUMMARY": stepSummary],
            directory: project.root)
        #expect(run.status == 0, "\(run.all)")
        #expect((try? String(contentsOfFile: stepSummary, encoding: .utf8))?.hasPrefix("## plan `migrate` — dry-run") == true)

        try FileManager.default.removeItem(atPath: stepSummary)
        let explicit = try PlanProcess.run(
            ["migrate", "--dry-run", "--database-url", database.url, "--summary", given],
            environment: ["GITHUB_STEP_SUMMARY": stepSummary], directory: project.root)
        #expect(explicit.status == 0, "\(explicit.all)")
        #expect(FileManager.default.fileExists(atPath: given) && !FileManager.default.fileExists(atPath: stepSummary))
    }

    /// `--format github`: the text output, plus an annotation at the migration's line for a
    /// failure, with GitHub's escaping in the message and in the properties.
    @Test func aFailedMigrationIsAnnotatedAtItsLine() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([("1_a,b", "CREATE TABLE a (id int);\n\nSELECT 100% FROM nowhere;\n")])
        defer { project.remove() }
        let run = try PlanProcess.run(["migrate", "--database-url", database.url, "--format", "github"], directory: project.root)
        #expect(run.status == 1, "\(run.all)")
        let annotation = run.stdout.split(separator: "\n").first { $0.hasPrefix("::error ") }.map(String.init) ?? ""
        #expect(annotation.hasPrefix("::error file=prisma/migrations/1_a%2Cb/migration.sql,line=3,col="), "\(run.all)")
        #expect(annotation.contains("%0A") && !annotation.contains("\r"), "\(annotation)")
        #expect(run.stdout.contains("[1] migrate"), "\(run.all)")
    }
}
