import Foundation
import Testing

/// `plan check`, `plan show` and `plan schema` as users run them: the built binary, its exit
/// codes, stdout and stderr.
@Suite struct CheckShowSchemaTests {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `plan` binary next to the test bundle in the build folder.
    static let binary: URL = {
        var directory = Bundle.main.bundleURL
        if directory.pathExtension == "xctest" { directory.deleteLastPathComponent() }
        return directory.appendingPathComponent("plan")
    }()

    private func run(_ arguments: [String], files: [String: String]) throws -> Output {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plan-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, text) in files { try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ["PATH": "/usr/bin:/bin", "SECRET_URL": "postgres://u:secret-pw-123@h/db"]
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    let good = "plan: 1\nsettings: { database_url: \"${{ env.SECRET_URL }}\" }\nsteps:\n  - migrate: {}\n"
    let bad = "plan: 1\nsteps:\n  - migrat: {}\n"

    /// #21: `plan check --format json` is one versioned document with every diagnostic's place.
    @Test func checkWritesOneJSONDocument() throws {
        let checked = try run(
            ["check", "ok.plan.yaml", "bad.plan.yaml", "--format", "json"],
            files: ["ok.plan.yaml": "plan: 1\nsteps:\n  - sql: SELECT 1\n", "bad.plan.yaml": "plan: 1\nsteps:\n  - sqll: SELECT 1\n"])
        #expect(checked.status == 2)
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(checked.stdout.utf8)) as? [String: Any], "\(checked.stdout)")
        #expect(document["version"] as? Int == 1)
        #expect(document["valid"] as? Bool == false)
        #expect(document["files"] as? [String] == ["ok.plan.yaml", "bad.plan.yaml"])
        let diagnostics = try #require(document["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?["file"] as? String == "bad.plan.yaml")
        #expect(diagnostics.first?["line"] as? Int == 3)
        #expect(diagnostics.first?["severity"] as? String == "error")
        #expect((diagnostics.first?["message"] as? String)?.contains("sqll") == true)
    }

    /// #21: a platform team lints its shared plans, whose required params only callers bind.
    @Test func reusablePlansWithRequiredParamsAreCheckedAsLibraries() throws {
        let library = """
            plan: 1
            name: lib
            params:
              table: { type: identifier }
              lists: { type: int, min: 10 }
            steps:
              - sql: "SELECT count(*) FROM ${{ params.table }}"
                if: ${{ params.lists > 5 }}
            """
        let checked = try run(["check", "lib.plan.yaml"], files: ["lib.plan.yaml": library])
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stderr.isEmpty, "\(checked.stderr)")

        // Unbound, but still typed: a misuse of a required param is found.
        let misused = library.replacing("${{ params.lists > 5 }}", with: "${{ params.table > 5 }}")
        let wrong = try run(["check", "lib.plan.yaml"], files: ["lib.plan.yaml": misused])
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("lib.plan.yaml:8:26: error: cannot compare an identifier with an int"), "\(wrong.stderr)")

        // Running it unbound names the missing param once, and never calls it optional.
        let shown = try run(["show", "lib.plan.yaml"], files: ["lib.plan.yaml": library])
        #expect(shown.status == 2)
        #expect(shown.stderr.contains("param 'table' is required and has no value"), "\(shown.stderr)")
        #expect(!shown.stderr.contains("optional"), "\(shown.stderr)")
    }

    /// Every reusable plan that ships with plan passes `plan check` on its own.
    @Test func everyShippedPlanPassesCheck() throws {
        let plans = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../plans").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: plans.path).filter { $0.hasSuffix(".plan.yaml") }.sorted()
        #expect(files.count >= 3)
        for name in files {
            let text = try String(contentsOf: plans.appendingPathComponent(name), encoding: .utf8)
            let checked = try run(["check", name], files: [name: text])
            #expect(checked.status == 0, "\(name): \(checked.stderr)")
        }
    }

    @Test func checkExitsZeroForAValidPlanAndTwoForAnInvalidOne() throws {
        let result = try run(["check", "good.plan.yaml", "bad.plan.yaml"], files: ["good.plan.yaml": good, "bad.plan.yaml": bad])
        #expect(result.status == 2)
        #expect(result.stderr == "bad.plan.yaml:3:5: error: unknown step 'migrat'; did you mean 'migrate'? [unknown-step]\n")
        #expect(try run(["check", "good.plan.yaml"], files: ["good.plan.yaml": good]).status == 0)
    }

    @Test func checkWritesGitHubAnnotations() throws {
        let result = try run(["check", "--format", "github", "bad.plan.yaml"], files: ["bad.plan.yaml": bad])
        #expect(
            result.stderr
                == "::error file=bad.plan.yaml,line=3,col=5,title=plan%3A unknown-step::unknown step 'migrat'; did you mean 'migrate'?\n")
    }

    @Test func showPrintsTheResolvedPlanWithSecretsHidden() throws {
        let result = try run(["show", "--format", "json", "good.plan.yaml"], files: ["good.plan.yaml": good])
        #expect(result.status == 0)
        #expect(result.stdout.contains("\"database_url\": \"***\""))
        #expect(!result.stdout.contains("secret-pw-123"))
    }

    @Test func showRejectsAMalformedSet() throws {
        let result = try run(["show", "--set", "novalue", "good.plan.yaml"], files: ["good.plan.yaml": good])
        #expect(result.status == 2)
        #expect(result.stderr.contains("write --set name=value"))
    }

    @Test func schemaIsJSON() throws {
        let result = try run(["schema"], files: [:])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(object?["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
    }
}
