import Foundation
import PlanModel
import Testing

/// `plan schema` checked with a real validator (Python's jsonschema, draft 2020-12): it
/// accepts every valid fixture and rejects the invalid ones whose mistake is one of shape.
@Suite(.serialized) struct SchemaTests {
    /// Invalid fixtures a schema can catch; the rest need the loader (types of params,
    /// expressions, includes, duplicate keys that PyYAML silently merges, bad YAML, and `yes`,
    /// which PyYAML reads as YAML 1.1 true while plan (YAML 1.2) refuses it).
    static let rejectedBySchema = [
        "unknown-step", "unknown-key-in-index", "unknown-top-level-key", "missing-version", "unsupported-version",
        "wrong-type-int", "wrong-node-kind", "bad-duration", "bad-duration-bare-number", "bad-size",
        "param-unknown-type", "param-bad-name", "two-step-keys", "step-without-action", "step-not-mapping",
        "exec-command-without-shell", "exec-run-as-string", "resolve-both-marks", "generate-without-source",
        "verify-unknown-check", "verify-query-without-expect", "enum-typo", "transaction-typo", "identifier-too-long",
        "columns-empty", "settings-unknown-key", "with-on-action-step", "uses-with-timeout", "root-is-list",
        "many-errors-in-one-file", "empty-file", "only-comments",
    ].map { "invalid/\($0).plan.yaml" }

    /// Validates each file and prints one JSON object: path → null (valid) or the first error.
    static let validator = #"""
        import json, sys, yaml, jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        results = {}
        for path in sys.argv[3:]:
            document = yaml.safe_load(open(sys.argv[2] + "/" + path, encoding="utf-8"))
            document = json.loads(json.dumps(document, default=str))
            error = jsonschema.exceptions.best_match(validator.iter_errors(document))
            results[path] = None if error is None else error.message
        print(json.dumps(results))
        """#

    static var python: String {
        ProcessInfo.processInfo.environment["PLAN_TEST_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
    }

    private func validate(_ paths: [String]) throws -> [String: String?] {
        let schemaPath = FileManager.default.temporaryDirectory.appendingPathComponent("plan-schema-\(UUID().uuidString).json").path
        try PlanSchema.json.write(toFile: schemaPath, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: schemaPath) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [Self.python, "-c", Self.validator, schemaPath, Fixtures.root] + paths
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python failed: \(errorText)")
        let decoded = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        return decoded.mapValues { $0 as? String }
    }

    @Test func acceptsEveryValidPlan() throws {
        let plans = Fixtures.plans(in: "valid") + ["valid/shared/vector-index.plan.yaml", "valid/shared/checks/index-valid.plan.yaml"]
        let results = try validate(plans)
        for plan in plans {
            #expect(results[plan] == .some(nil), "\(plan): \(String(describing: results[plan]))")
        }
    }

    @Test func rejectsInvalidPlansOfTheWrongShape() throws {
        let results = try validate(Self.rejectedBySchema)
        for plan in Self.rejectedBySchema {
            let error = results[plan] ?? nil
            #expect(error != nil, "the schema accepts \(plan)")
        }
    }

    /// `plan show` prints the same document as YAML and as JSON.
    @Test func showYAMLAndJSONAgree() throws {
        let script = #"""
            import json, sys, yaml
            for path in sys.argv[2:]:
                base = sys.argv[1] + "/" + path.replace(".plan.yaml", ".show")
                if yaml.safe_load(open(base + ".yaml")) != json.load(open(base + ".json")):
                    print(path)
            """#
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [Self.python, "-c", script, Fixtures.root] + Fixtures.plans(in: "valid")
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let mismatches = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(mismatches == "")
    }
}
