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
    @OptionGroup(title: "Fleets") var fleet: FleetOptions
    @OptionGroup(title: "Fleet rollouts") var rollout: RolloutOptions

    func validate() throws {
        if offline && !dryRun { throw ValidationError("--offline previews without a database: it needs --dry-run") }
        try risk.validate(dryRun: dryRun)
        if fleet.isFleet {
            if offline { throw ValidationError("--offline previews without a database; a fleet is its databases: drop --offline") }
            if connection.namesURL {
                throw ValidationError(
                    "--targets names the databases; --database-url and --database-url-env name one: give one or the other")
            }
            if dryRun && (rollout.log != nil || rollout.resume != nil) {
                throw ValidationError("--log and --resume record what was done; a --dry-run does nothing: drop them")
            }
        } else if rollout.isGiven {
            throw ValidationError("--canary, --max-failures, --log and --resume steer a fleet: they need --targets or --targets-query")
        }
    }

    func run() throws {
        let context = try ProjectContext.discover(schema: project.schema, databaseURLGiven: connection.namesURL || fleet.isFleet)
        let plan = try PlanLoading.load(file, binding: try binding.binding(), context: context)
        if fleet.isFleet {
            // Checked once here (exit 2 before any target is touched); each target's child loads it again.
            try FleetWiring.run(
                FleetWiring.Job(
                    kind: .run(dryRun: dryRun), title: "plan run \(file)", plan: file,
                    arguments: ["run", file, "--format", "json", "--database-url-env", FleetPool.urlVariable] + childArguments),
                fleet: fleet, rollout: rollout.choice, output: connection.choice, context: context, extraSecrets: plan.secretValues)
        }
        try RunWiring.run(
            plan: plan.name, file: file, steps: StepCatalog.executables(plan.steps, in: plan, environment: context.environment),
            options: connection.choice,
            context: context, settings: plan.settings, dryRun: dryRun, offline: offline,
            extraSecrets: plan.secretValues, environmentName: binding.environment, failOnRisk: risk.failOnRisk)
    }

    /// The options a target's run takes from this command line, as written.
    private var childArguments: [String] {
        var arguments = binding.arguments + connection.childArguments
        if dryRun { arguments.append("--dry-run") }
        if let schema = project.schema { arguments += ["--schema", schema] }
        return arguments
    }
}
