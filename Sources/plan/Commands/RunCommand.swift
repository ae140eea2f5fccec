import ArgumentParser
import PlanModel
import Runner
import Steps

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a plan's steps in order; with --dry-run, show what would happen and write nothing.")

    @Argument(help: "The plan file.")
    var file: String

    @OptionGroup var binding: PlanBindingOptions

    @Flag(name: .customLong("dry-run"), help: "Connect read-only and show what each step would do.")
    var dryRun = false

    @Flag(help: "With --dry-run: preview without a database (what depends on its state is not checked).")
    var offline = false

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var risk: RiskOptions
    @OptionGroup var project: ProjectOptions

    func validate() throws {
        if offline && !dryRun { throw ValidationError("--offline previews without a database: it needs --dry-run") }
        try risk.validate(dryRun: dryRun)
    }

    func run() throws {
        let context = try ProjectContext.discover(schema: project.schema, databaseURLGiven: connection.databaseURL != nil)
        let plan = try PlanLoading.load(file, binding: try binding.binding(), context: context)
        try RunWiring.run(
            plan: plan.name, file: file, steps: StepCatalog.executables(plan.steps, in: plan, environment: context.environment),
            options: connection.choice,
            context: context, settings: plan.settings, dryRun: dryRun, offline: offline,
            extraSecrets: plan.secretValues, environmentName: binding.environment, failOnRisk: risk.failOnRisk)
    }
}
