import PlanModel
import Testing

/// Valid plans and what `plan show` prints for them, as YAML and as JSON, against golden files.
@Suite struct ValidPlanTests {
    static let plans = Fixtures.plans(in: "valid")

    @Test(arguments: plans)
    func loadsWithoutErrors(_ path: String) {
        let result = Fixtures.load(path)
        #expect(!result.diagnostics.hasErrors, "\(result.diagnostics.map(\.description))")
        #expect(result.plan != nil)
    }

    @Test(arguments: plans, [PlanRenderer.Format.yaml, .json])
    func showMatchesGolden(_ path: String, format: PlanRenderer.Format) throws {
        let plan = try #require(Fixtures.load(path).plan)
        let rendered = PlanRenderer().render(plan, as: format)
        let goldenPath = path.replacingOccurrences(of: ".plan.yaml", with: ".show.\(format.rawValue)")
        if Fixtures.updatesGoldenFiles { Fixtures.writeGolden(goldenPath, rendered) }
        #expect(rendered == Fixtures.text(goldenPath))
    }

    @Test(arguments: plans)
    func secretsNeverAppearInShow(_ path: String) throws {
        let plan = try #require(Fixtures.load(path).plan)
        for format in [PlanRenderer.Format.yaml, .json] {
            let rendered = PlanRenderer().render(plan, as: format)
            #expect(!rendered.contains("secret-pw"))
        }
    }
}
