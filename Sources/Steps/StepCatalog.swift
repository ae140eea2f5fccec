public import PlanModel
public import Runner

/// Maps each step of a resolved plan to the runner for its kind: the one place that knows
/// every step type.
public enum StepCatalog {
    public static func executable(_ step: Step, in plan: Plan) -> ExecutableStep {
        ExecutableStep(
            name: step.displayName, kind: step.action.kind.rawValue, enabled: step.enabled, retry: step.retry,
            runner: runner(for: step, in: plan))
    }

    static func runner(for step: Step, in plan: Plan) -> any StepRunner {
        switch step.action {
        case .migrate(let migrate): MigrateRunner(migrate)
        case .resolve(let resolve): ResolveRunner(resolve)
        case .generate, .indexConcurrently, .verify, .sql, .exec:
            NotYetRunnable(kind: step.action.kind.rawValue)
        }
    }
}

/// A step kind whose runner has not landed yet: fails clearly instead of doing nothing.
struct NotYetRunnable: StepRunner {
    let kind: String
    func preview(_ context: StepContext) throws(StepFailure) -> StepOutcome {
        throw StepFailure("the \(kind) step is not implemented yet", exitCode: ExitStatus.invalidInput)
    }
    func execute(_ context: StepContext) throws(StepFailure) -> StepOutcome {
        throw StepFailure("the \(kind) step is not implemented yet", exitCode: ExitStatus.invalidInput)
    }
}
