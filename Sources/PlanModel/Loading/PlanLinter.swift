/// A check `plan check` runs on a plan that loaded without errors, e.g. the SQL lint
/// (statements that cannot run where the plan puts them). Implementations live outside
/// PlanModel; the CLI lists them in `CheckCommand.linters`.
public protocol PlanLinter: Sendable {
    func lint(_ plan: Plan) -> [Diagnostic]
}
