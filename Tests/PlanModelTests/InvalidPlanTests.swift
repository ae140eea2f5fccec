import PlanModel
import Testing

/// Every invalid fixture against its exact rendered diagnostics (message, line:column, source
/// line and caret, notes). Rewrite the `.expected` files with PLAN_UPDATE_GOLDEN=1 and review the diff.
@Suite struct InvalidPlanTests {
    static let plans = Fixtures.plans(in: "invalid")

    @Test func corpusIsLargeEnough() {
        #expect(Self.plans.count >= 40)
    }

    @Test(arguments: plans)
    func diagnosticsMatchExpected(_ path: String) {
        let result = Fixtures.load(path)
        #expect(result.plan == nil, "an invalid plan must not load")
        #expect(result.diagnostics.hasErrors)
        let rendered = DiagnosticRenderer(format: .text, showsSource: true, sources: result.sources).render(result.diagnostics)
        let expectedPath = path.replacingOccurrences(of: ".plan.yaml", with: ".expected")
        if Fixtures.updatesGoldenFiles { Fixtures.writeGolden(expectedPath, rendered) }
        #expect(rendered == Fixtures.text(expectedPath))
    }
}
