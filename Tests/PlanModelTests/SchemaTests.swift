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

/// The YAML that `plan show` prints reads back, in a YAML 1.1 parser (PyYAML), as exactly the
/// strings it was given: nothing turns into a bool, number, date or null.
@Suite struct RenderedYAMLRoundTripTests {
    static let awkward = [
        "", " lead", "trail ", "yes", "No", "on", "null", "~", "y", "0", "007", "1_000", "1:20", "2024-01-01", "1e3",
        "0x1F", ".inf", "-.inf", ".nan", "+1", "-1", "=", "<<", "a: b", "a #b", "#c", "key:", "- item", "? q", "[x]",
        "{y}", "*alias", "&anchor", "!tag", "|", ">", "'q'", "\"dq\"", "%d", "@at", "`bt`", "multi\nline", "multi\nline\n",
        "two\n\ntrailing\n\n", "tab\there", "cr\r\n", "ünïcödé ✓", "64MB", "5s", "1d", "20240101000000_init",
        "SELECT 'x' -- c\nFROM t;\n", "  indented\nsecond", "\u{7}bell",
    ]

    @Test func awkwardStringsSurviveYAML() throws {
        let tree = RenderNode.map([
            .init("list", .list(Self.awkward.map(RenderNode.string))),
            .init("map", .map(Self.awkward.enumerated().map { .init("k\($0.offset)", .string($0.element)) })),
            .init("keys", .map(Self.awkward.filter { !$0.isEmpty }.map { .init($0, .int(1)) })),
        ])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plan-yaml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try tree.yaml().write(to: directory.appendingPathComponent("t.yaml"), atomically: true, encoding: .utf8)
        try tree.json().write(to: directory.appendingPathComponent("t.json"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            SchemaTests.python, "-c",
            "import json, sys, yaml\na = yaml.safe_load(open(sys.argv[1] + '/t.yaml', encoding='utf-8'))\nb = json.load(open(sys.argv[1] + '/t.json', encoding='utf-8'))\nprint('same' if a == b else json.dumps([a, b]))",
            directory.path,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let result = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(result == "same\n")
    }
}
