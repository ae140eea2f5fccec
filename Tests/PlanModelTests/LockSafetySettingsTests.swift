import PlanModel
import Testing

/// `lock_timeout`, `lock_retry` and `lock_wait` (issue #18): plan-wide, per environment, per step.
@Suite struct LockSafetySettingsTests {
    private func load(_ text: String, env: String? = nil) -> LoadResult {
        PlanLoader(environment: [:], fileSystem: InMemoryFileSystem(files: ["p.plan.yaml": text])).load(file: "p.plan.yaml", env: env)
    }

    @Test func defaultsAreShortTimeoutsWithinAFiveMinuteBudget() throws {
        let plan = try #require(load("plan: 1\nsteps:\n  - migrate: {}\n").plan)
        #expect(plan.settings.lockSafety == .default)
        #expect(plan.settings.lockSafety.lockTimeout == .seconds(1))
        #expect(plan.settings.lockWait == nil)
        #expect(
            (1...5).map { LockSafety.default.lockTimeout(attempt: $0) } == [
                .seconds(1), .seconds(2), .seconds(2), .seconds(2), .seconds(2),
            ])
    }

    @Test func settingsAnEnvironmentAndAStepEachOverrideTheKeysTheyName() throws {
        let text = """
            plan: 1
            environments:
              production:
                settings: { lock_retry: { budget: 10m } }
            settings:
              lock_timeout: 500ms
              lock_retry: { max_lock_timeout: 4s, budget: 1m }
              lock_wait: 2m
            steps:
              - migrate: {}
              - migrate: { lock_timeout: none }
              - sql: { sql: SELECT 1, lock_retry: { budget: 0 } }
            """
        let plan = try #require(load(text, env: "production").plan)
        let expected = LockSafety(lockTimeout: .milliseconds(500), maxLockTimeout: .seconds(4), budget: .seconds(600))
        #expect(plan.settings.lockSafety == expected)
        #expect(plan.settings.lockWait == .seconds(120))
        guard case .migrate(let first) = plan.steps[0].action, case .migrate(let second) = plan.steps[1].action,
            case .sql(let third) = plan.steps[2].action
        else {
            Issue.record("unexpected steps")
            return
        }
        #expect(first.lockSafety == expected)
        #expect(second.lockSafety.lockTimeout == nil)
        #expect(second.lockSafety.lockTimeout(attempt: 3) == nil)
        #expect(third.lockSafety.budget == .zero)
        #expect(expected.lockTimeout(attempt: 4) == .seconds(4))
    }

    @Test func aBadValueIsAnErrorWithItsLocation() {
        let result = load("plan: 1\nsettings:\n  lock_retry: { budgett: 5m }\n  lock_timeout: soon\nsteps:\n  - migrate: {}\n")
        #expect(result.plan == nil)
        #expect(result.diagnostics.count == 2)
    }

    @Test func theSchemaDescribesBothTimeouts() {
        let schema = PlanSchema.json
        #expect(schema.contains("\"lock_wait\""))
        #expect(schema.contains("Not the wait for the migration lock: that is lock_wait."))
        #expect(schema.contains("\"lock_retry\""))
    }
}
