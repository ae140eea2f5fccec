import Foundation
import Runner
import TestSupport
import Testing

/// docs/events.schema.json against what plan really prints with `--format json`: a run, a
/// dry-run, status and check, validated line by line with a real validator (Python's
/// jsonschema, draft 2020-12, as the plan-file schema tests use). The schema forbids fields it
/// does not list, so an undocumented field fails here.
@Suite("the JSON output matches docs/events.schema.json")
struct EventSchemaTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let schema = repository + "/docs/events.schema.json"

    static let validator = #"""
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        problems = []
        for number, line in enumerate(open(sys.argv[2], encoding="utf-8"), 1):
            document = json.loads(line)
            error = jsonschema.exceptions.best_match(validator.iter_errors(document))
            if error is not None:
                problems.append(f"line {number} ({document.get('event', 'check')}): {error.message} at {list(error.absolute_path)}")
        print("\n".join(problems))
        """#

    /// Every line of `output` that the schema rejects, with why.
    static func problems(_ output: String) throws -> String {
        let file = NSTemporaryDirectory() + "plan-events-\(UUID().uuidString).jsonl"
        try output.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let python = ProcessInfo.processInfo.environment["PLAN_TEST_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", validator, schema, file]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "the validator failed: \(errors)")
        return printed.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aRunADryRunStatusAndCheckPrintOnlyWhatTheSchemaDescribes() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([
            ("1_init", "CREATE TABLE items (id int PRIMARY KEY, name text);\n"),
            ("2_index", "CREATE INDEX items_name ON items (name);\nCREATE INDEX CONCURRENTLY IF NOT EXISTS items_id ON items (id);\n"),
        ])
        defer { project.remove() }
        try project.directory.write(
            "release.plan.yaml",
            """
            plan: 1
            name: events
            environments:
              staging: {}
            steps:
              - migrate: {}
              - verify:
                  - migrations: up-to-date
                  - table: items
            """)
        let url = ["--database-url", database.url, "--format", "json"]
        let runs: [(String, [String])] = [
            ("dry-run", ["run", "release.plan.yaml", "--dry-run", "--env", "staging"] + url),
            ("status before", ["status"] + url),
            ("run", ["run", "release.plan.yaml"] + url),
            ("status after", ["status"] + url),
            ("check", ["check", "release.plan.yaml", "--format", "json"]),
        ]
        for (what, arguments) in runs {
            let output = try PlanProcess.run(arguments, directory: project.root)
            #expect([0, 1].contains(output.status), "\(what): \(output.all)")
            #expect(!output.stdout.isEmpty, "\(what) printed nothing")
            #expect(try Self.problems(output.stdout) == "", "\(what):\n\(output.stdout)")
            if what == "dry-run" {
                #expect(output.stdout.contains(#""version":1,"#) && output.stdout.contains(#""environment":"staging""#))
            }
            if what == "check" { #expect(output.stdout.contains(#""code":"require-concurrent-index-creation""#), "\(output.stdout)") }
            if what == "status after" { #expect(output.stdout.contains(#""event":"migration_status""#)) }
        }
    }

    /// Every kind of event, including those a short run does not print (progress, findings,
    /// a failed migration), as the renderer encodes it.
    @Test func everyKindOfEventIsDescribed() throws {
        let events: [RunEvent] = [
            .runStarted(plan: "p", file: nil, dryRun: false, target: RunTarget(endpoint: nil, source: "no database (--offline)")),
            .stepStarted(index: 1, name: "build", kind: "index-concurrently"),
            .message(index: nil, Message(.warning, "waiting for the migration lock")),
            .message(index: 1, Message(.info, "would build", sql: "CREATE INDEX CONCURRENTLY …", location: "a.sql:1:1")),
            .action(
                index: 1, ActionReport(summary: "build the index", sql: "CREATE INDEX CONCURRENTLY …", location: "a.sql:1:1"), dryRun: true),
            .action(index: 1, ActionReport(summary: "build the index"), dryRun: false),
            .progress(index: 1, Progress(phase: "building index", percent: 42.5, detail: "blocks 10 of 20")),
            .progress(index: 1, Progress(phase: "waiting for old snapshots")),
            .finding(
                index: 1,
                Finding(
                    code: "changing-column-type", severity: .high, message: "rewrites users", location: "m.sql:3:1",
                    lock: "ACCESS EXCLUSIVE on public.users", safer: nil, acknowledged: true)),
            .finding(index: nil, Finding(code: "adding-foreign-key", severity: .low, message: "scans")),
            .migrationStatus(
                MigrationStatusReport(
                    folder: "prisma/migrations", hasTable: true, applied: [.init(name: "1_a", at: "2026-01-01 00:00:00+00")],
                    pending: [.init(name: "3_c")], failed: [.init(name: "2_b", at: "2026-01-02 00:00:00+00", appliedSteps: 1)],
                    drifted: [.init(name: "1_a")], missing: [.init(name: "0_gone", at: "2025-12-01 00:00:00+00")])),
            .stepFinished(index: 1, name: "build", kind: "index-concurrently", outcome: .wouldFail, seconds: 0.5),
            .runFinished(RunSummary(plan: "p", dryRun: true, wouldFail: 1, seconds: 0.6, exitCode: 1)),
        ]
        let lines = events.map { JSONLinesRenderer.encode($0).rendered }.joined(separator: "\n") + "\n"
        #expect(try Self.problems(lines) == "", "\(lines)")
    }
}
