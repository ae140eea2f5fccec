import Foundation
import TestSupport
import Testing

/// The reusable plans shipped in plans/ are what a platform team copies: `plan check
/// plans/*.plan.yaml` must pass, each checked as a library (required params typed, not bound).
@Suite("the shipped reusable plans")
struct ShippedPlansTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test func planCheckPassesForEveryShippedPlan() throws {
        let plans = try FileManager.default.contentsOfDirectory(atPath: Self.repository + "/plans").filter { $0.hasSuffix(".plan.yaml") }
            .sorted().map { "plans/" + $0 }
        #expect(plans.count >= 3, "\(plans)")
        let text = try PlanProcess.run(["check"] + plans, directory: Self.repository)
        #expect(text.status == 0 && text.all.isEmpty, "\(text.all)")
        let json = try PlanProcess.run(["check", "--format", "json"] + plans, directory: Self.repository)
        #expect(json.status == 0, "\(json.all)")
        let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(document?["valid"] as? Bool == true)
        #expect((document?["diagnostics"] as? [Any])?.isEmpty == true, "\(json.stdout)")
        #expect(document?["files"] as? [String] == plans)
    }

    /// Run (not checked) without its required params, a reusable plan says they are required,
    /// and never calls them optional.
    @Test func runningOneWithoutItsRequiredParamsSaysTheyAreRequired() throws {
        let run = try PlanProcess.run(
            ["run", "plans/pgvector-index.plan.yaml", "--dry-run", "--offline"], directory: Self.repository)
        #expect(run.status == 2, "\(run.all)")
        #expect(run.stderr.contains("param 'table' is required and has no value; pass --set table=VALUE"), "\(run.all)")
        #expect(!run.all.contains("optional"), "\(run.all)")
    }
}
