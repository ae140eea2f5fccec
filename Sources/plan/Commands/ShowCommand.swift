import ArgumentParser
import PlanModel
import Runner

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the resolved plan: includes expanded, params bound, secrets as ***.")

    @Argument(help: "The plan file.")
    var file: String

    @OptionGroup var binding: PlanBindingOptions
    @OptionGroup var project: ProjectOptions
    @Option(
        name: .customLong("database-url"),
        help: "As for run: show which database the plan would target with it (host, port, database, user).")
    var databaseURL: String?

    @Option(help: "yaml or json.")
    var format: ShowFormat = .yaml

    func run() throws {
        let context = try ProjectContext.discover(schema: project.schema, databaseURLGiven: databaseURL != nil)
        let result = binding.loader(context).load(file: file, env: binding.environment, overrides: try binding.overrides())
        let renderer = DiagnosticRenderer(showsSource: StandardError.isTerminal, sources: result.sources)
        StandardError.write(renderer.render(result.diagnostics))
        guard let plan = result.plan else { throw ExitCode(2) }
        let target = context.targetDescription(commandLine: databaseURL, plan: plan.settings.databaseURL?.revealed)
        StandardError.write("target: " + Redactor(secrets: plan.secretValues).redact(target) + "\n")
        print(PlanRenderer().render(plan, as: format == .yaml ? .yaml : .json), terminator: "")
    }
}

enum ShowFormat: String, ExpressibleByArgument, CaseIterable {
    case yaml, json
}
