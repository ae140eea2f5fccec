public import PlanModel
public import Runner

/// Maps each step of a resolved plan to the runner for its kind: the one place that knows
/// every step type.
public enum StepCatalog {
    /// The runners for `steps` of `plan`, run in order by one run: they share what they read of
    /// the migrations folders (see MigrationFolderCache) and a history left unchanged (see
    /// MigrationHistoryCache). `environment`: the run's, read once, which `exec` programs start with.
    public static func executables(_ steps: [Step], in plan: Plan, environment: [String: String]) -> [ExecutableStep] {
        let folders = MigrationFolderCache()
        let history = MigrationHistoryCache()
        return steps.map { step in
            ExecutableStep(
                name: step.displayName, kind: step.action.kind.rawValue, enabled: step.enabled, retry: step.retry,
                timeout: step.action.kind == .exec ? nil : step.timeout,
                runner: runner(for: step, in: plan, environment: environment, folders: folders, history: history))
        }
    }

    static func runner(
        for step: Step, in plan: Plan, environment: [String: String], folders: MigrationFolderCache,
        history: MigrationHistoryCache = MigrationHistoryCache()
    ) -> any StepRunner {
        switch step.action {
        case .migrate(let migrate): MigrateRunner(migrate, folders: folders, history: history)
        case .resolve(let resolve): ResolveRunner(resolve)
        case .verify(let verify): VerifyRunner(verify, folders: folders, history: history)
        case .sql(let sql): SQLStepRunner(sql, transaction: step.transaction)
        case .exec(let exec): ExecRunner(exec, timeout: step.timeout, environment: environment, folders: folders)
        case .generate(let generate): GenerateRunner(generate, stepSQL: sql(of: generate, in: plan), folders: folders)
        case .indexConcurrently(let index): IndexConcurrentlyRunner(index)
        }
    }
}

extension StepCatalog {
    /// For `generate: { from_step: ID }`: the SQL that step would run.
    static func sql(of generate: GenerateStep, in plan: Plan) -> String? {
        guard case .step(let id) = generate.source, let source = plan.steps.first(where: { $0.id == id }) else { return nil }
        switch source.action {
        case .indexConcurrently(let index):
            // The runbook's "generate the migration, build it by hand, resolve it": the migration
            // records the same statement the step builds.
            return IndexSQL(step: index).create
        case .sql(let sql):
            if case .inline(let text, _) = sql.source { return text }
            return nil
        default:
            return nil
        }
    }
}
