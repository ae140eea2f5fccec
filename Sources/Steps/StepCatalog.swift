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
        case .verify(let verify): VerifyRunner(verify)
        case .sql(let sql): SQLStepRunner(sql, transaction: step.transaction)
        case .exec(let exec): ExecRunner(exec, timeout: step.timeout)
        case .generate(let generate): GenerateRunner(generate, stepSQL: sql(of: generate, in: plan))
        case .indexConcurrently:
            NotYetRunnable(kind: step.action.kind.rawValue)
        }
    }
}

extension StepCatalog {
    /// For `generate: { from_step: ID }`: the SQL that step would run.
    static func sql(of generate: GenerateStep, in plan: Plan) -> String? {
        guard case .step(let id) = generate.source, let source = plan.steps.first(where: { $0.id == id }) else { return nil }
        switch source.action {
        case .sql(let sql):
            if case .inline(let text, _) = sql.source { return text }
            return nil
        default:
            return nil
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
