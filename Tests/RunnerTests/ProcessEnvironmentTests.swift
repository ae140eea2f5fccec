import Foundation
import Runner
import Testing

@Suite("the process environment")
struct ProcessEnvironmentTests {
    @Test func readsWhatProcessInfoReads() {
        setenv("PLAN_TEST_ENVIRONMENT_VALUE", "a=b=c", 1)
        let variables = ProcessEnvironment.variables()
        #expect(variables["PLAN_TEST_ENVIRONMENT_VALUE"] == "a=b=c", "the value runs from the first = to the end")
        #expect(variables == ProcessInfo.processInfo.environment)
    }
}
