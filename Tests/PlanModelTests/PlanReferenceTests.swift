import Foundation
import PlanModel
import Testing

/// docs/PLAN-FILE.md is made from the schema (`scripts/docs`); it fails here while stale. And
/// every key of the schema carries a description, which editors show on hover.
@Suite struct PlanReferenceTests {
    static let reference =
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/docs/PLAN-FILE.md"

    @Test func theCheckedInReferenceIsCurrent() throws {
        if ProcessInfo.processInfo.environment["PLAN_UPDATE_GOLDEN"] == "1" {
            try PlanReference.markdown.write(toFile: Self.reference, atomically: true, encoding: .utf8)
        }
        let checkedIn = try String(contentsOfFile: Self.reference, encoding: .utf8)
        #expect(checkedIn == PlanReference.markdown, "docs/PLAN-FILE.md is stale: run scripts/docs")
    }

    @Test func everyKeyHasADescription() throws {
        let schema = try JSONSerialization.jsonObject(with: Data(PlanSchema.json.utf8)) as? [String: Any] ?? [:]
        let definitions = schema["$defs"] as? [String: Any] ?? [:]
        var undescribed: [String] = []
        func visit(_ node: Any, path: String) {
            if let list = node as? [Any] {
                for (offset, item) in list.enumerated() { visit(item, path: "\(path)[\(offset)]") }
                return
            }
            guard let map = node as? [String: Any] else { return }
            if let properties = map["properties"] as? [String: Any] {
                for (key, value) in properties {
                    let property = value as? [String: Any] ?? [:]
                    let referenced = (property["$ref"] as? String).flatMap { definitions[String($0.split(separator: "/").last ?? "")] }
                    let described = property["description"] != nil || (referenced as? [String: Any])?["description"] != nil
                    // A verify check's own key is described by the check; `shell` in exec's `then` restates it.
                    if !described && !path.contains("check") && key != "shell" { undescribed.append("\(path).\(key)") }
                }
            }
            for (key, value) in map { visit(value, path: path + "/" + key) }
        }
        visit(schema, path: "#")
        #expect(undescribed.isEmpty, "\(undescribed.sorted())")
    }
}
