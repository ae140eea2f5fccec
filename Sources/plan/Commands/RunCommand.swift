import ArgumentParser
import PlanModel
import Runner
import Steps

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: RunInvocation.commandName,
        abstract: "Run a plan's steps in order; with --dry-run, show what would happen and write nothing.")

    @Argument(help: "The plan file.")
    var file: String

    @OptionGroup var binding: PlanBindingOptions

    @Flag(name: .customLong("dry-run"), help: "Connect read-only and show what each step would do.")
    var dryRun = false

    @OptionGroup var connection: ConnectionOptions

    var invocation: RunInvocation {
        get throws { RunInvocation(file: file, binding: try binding.binding(), dryRun: dryRun, connection: connection.choice) }
    }

    func run() throws {
        try invocation.run()
    }
}

/// `plan run`, read from the command line: by argument-parser (RunCommand) or, for the shapes a
/// deploy writes, directly (RunInvocation+CommonShape).
struct RunInvocation: Equatable {
    static let commandName = "run"

    var file: String
    var binding: PlanBinding
    var dryRun: Bool
    var connection: ConnectionChoice

    func run() throws {
        let plan = try PlanLoading.load(file, binding: binding)
        try RunWiring.run(
            plan: plan.name, file: file, steps: StepCatalog.executables(plan.steps, in: plan), options: connection,
            settings: plan.settings, dryRun: dryRun, extraSecrets: plan.secretValues)
    }
}
