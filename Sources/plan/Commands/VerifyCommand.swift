import ArgumentParser
import PlanModel
import Runner
import Steps

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Run only the verify steps of a plan (read-only).")

    @Argument(help: "The plan file.")
    var file: String

    @OptionGroup var binding: PlanBindingOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var project: ProjectOptions

    func run() throws {
        let context = try ProjectContext.discover(schema: project.schema, databaseURLGiven: connection.namesURL)
        let plan = try PlanLoading.load(file, binding: binding.binding(), context: context)
        let checks = plan.steps.filter { $0.action.kind == .verify }
        guard !checks.isEmpty else {
            StandardError.write("\(file): error: the plan has no verify steps\n")
            throw ExitCode(ExitStatus.invalidInput)
        }
        try RunWiring.run(
            plan: plan.name, file: file, steps: StepCatalog.executables(checks, in: plan, environment: context.environment),
            options: connection.choice,
            context: context, settings: plan.settings, readOnly: true, extraSecrets: plan.secretValues,
            environmentName: binding.environment)
    }
}
