import PlanModel
import Testing

@Test func sourceLocationRendersAsFileLineColumn() {
    #expect(SourceLocation(file: "plan.yaml", line: 3, column: 7).description == "plan.yaml:3:7")
}
