import Foundation
import Runner
import Testing

/// The shape of the Markdown summary, pinned by a golden file: the target, environment and
/// verdict first, findings worst first, one table of steps, each migration once and collapsed,
/// a long body cut with a count, and the items past the budget listed by name.
@Suite struct MarkdownSummaryTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Golden/summary-with-findings.md"

    /// A dry-run of three pending migrations and a failing verify, as the steps report them.
    static var events: [RunEvent] {
        let folder = "prisma/migrations"
        var events: [RunEvent] = [
            .runStarted(
                plan: "release", file: "plans/release.plan.yaml", dryRun: true,
                target: RunTarget(
                    endpoint: ConnectionEndpoint(host: "db.internal", port: "5432", database: "app", user: "deploy"),
                    source: "DATABASE_URL", environment: "production")),
            .stepStarted(index: 1, name: "migrate", kind: "migrate"),
            .message(index: 1, Message(.info, "3 pending migration(s) would be applied, in this order:")),
        ]
        for (number, name) in ["1_old", "2_middle", "3_new"].enumerated() {
            let location = "\(folder)/\(name)/migration.sql"
            events.append(
                .message(index: 1, Message(.info, "\(name): in one transaction, atomic with its history row", location: location)))
            if number == 2 {
                events.append(.message(index: 1, Message(.warning, "CREATE INDEX without CONCURRENTLY", location: location + ":2:1")))
                events.append(
                    .finding(
                        index: 1,
                        Finding(
                            code: "require-concurrent-index-creation", severity: .medium,
                            message: "builds an index on \"users\" without CONCURRENTLY",
                            location: location + ":2:1", lock: "SHARE on public.users", safer: "CREATE INDEX CONCURRENTLY")))
                events.append(
                    .finding(
                        index: 1,
                        Finding(
                            code: "changing-column-type", severity: .high, message: "rewrites \"users\" (1,200,000 rows, 310 MB)",
                            location: location + ":1:1", lock: "ACCESS EXCLUSIVE on public.users")))
            }
            let body =
                number == 1
                ? (1...60).map { "INSERT INTO t VALUES (\($0));" }.joined(separator: "\n")
                : "ALTER TABLE \"users\" ALTER COLUMN \"age\" TYPE bigint;\nCREATE INDEX \"users_age_idx\" ON \"users\"(\"age\");"
            events.append(.message(index: 1, Message(.info, "in one transaction with its history row; lock_timeout 1s", sql: body)))
        }
        events += [
            .stepFinished(index: 1, name: "migrate", kind: "migrate", outcome: .wouldRun, seconds: 0.012),
            .stepStarted(index: 2, name: "post-deploy <checks>", kind: "verify"),
            .message(index: 2, Message(.error, "✗ index users_age_idx: does not exist")),
            .stepFinished(index: 2, name: "post-deploy <checks>", kind: "verify", outcome: .wouldFail, seconds: 0.003),
            .runFinished(RunSummary(plan: "release", dryRun: true, wouldRun: 1, wouldFail: 1, seconds: 0.02, exitCode: 1)),
        ]
        return events
    }

    @Test func itsShapeMatchesTheGolden() throws {
        var limits = MarkdownSummary.Limits()
        // Room for the newest two migrations only: the oldest is listed by name.
        limits.itemBytes = 700
        limits.sqlLines = 5
        let summary = MarkdownSummary(path: "/dev/null", limits: limits)
        for event in Self.events { summary.receive(event) }
        let rendered = summary.render()
        if ProcessInfo.processInfo.environment["PLAN_UPDATE_GOLDEN"] == "1" {
            try rendered.write(toFile: Self.golden, atomically: true, encoding: .utf8)
        }
        #expect(rendered == (try String(contentsOfFile: Self.golden, encoding: .utf8)))
    }

    /// However much a run says, the report stays under GitHub's 1 MiB.
    @Test func aRunThatSaysTooMuchStaysUnderOneMebibyte() {
        let summary = MarkdownSummary(path: "/dev/null")
        let huge = String(repeating: "x", count: 10_000)
        summary.receive(.runStarted(plan: "p", file: nil, dryRun: false, target: RunTarget(endpoint: nil, source: "x")))
        for step in 1...30 {
            summary.receive(.stepStarted(index: step, name: "s\(step)", kind: "sql"))
            for _ in 1...150 { summary.receive(.message(index: step, Message(.warning, huge, sql: huge))) }
            for _ in 1...50 { summary.receive(.message(index: step, Message(.error, huge))) }
            summary.receive(.finding(index: step, Finding(code: "c", severity: .low, message: huge)))
            summary.receive(.stepFinished(index: step, name: "s\(step)", kind: "sql", outcome: .done, seconds: 0))
        }
        let rendered = summary.render()
        #expect(rendered.utf8.count < 1_048_576)
        #expect(rendered.contains("section(s) left out"))
        #expect(rendered.contains("### Findings"))
    }
}
