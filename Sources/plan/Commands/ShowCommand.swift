import ArgumentParser
import PlanModel

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the resolved plan: includes expanded, params bound, secrets as ***.")

    @Argument(help: "The plan file.")
    var file: String

    @OptionGroup var binding: PlanBindingOptions

    @Option(help: "yaml or json.")
    var format: ShowFormat = .yaml

    func run() throws {
        let result = binding.loader().load(file: file, env: binding.environment, overrides: try binding.overrides())
        let renderer = DiagnosticRenderer(showsSource: StandardError.isTerminal, sources: result.sources)
        StandardError.write(renderer.render(result.diagnostics))
        guard let plan = result.plan else { throw ExitCode(2) }
        print(PlanRenderer().render(plan, as: format == .yaml ? .yaml : .json), terminator: "")
    }
}

enum ShowFormat: String, ExpressibleByArgument, CaseIterable {
    case yaml, json
}
