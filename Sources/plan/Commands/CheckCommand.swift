import ArgumentParser
import PlanModel
import Steps

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Parse, resolve and type-check plan files without a database.",
        discussion: "Prints every problem as file:line:column and exits 2 when any file has an error.")

    /// Checks that run on a plan that loaded cleanly. The SQL lint plugs in here.
    static let linters: [any PlanLinter] = [MigrationSQLLinter()]

    @Argument(help: "The plan files to check.")
    var files: [String]

    @Option(help: "text (for people) or github (workflow annotations).")
    var format: DiagnosticFormat = .text

    @OptionGroup var binding: PlanBindingOptions
    @OptionGroup var project: ProjectOptions

    func run() throws {
        let loader = binding.loader(try ProjectContext.discover(schema: project.schema, databaseURLGiven: true))
        let overrides = try binding.overrides()
        var failed = false
        for file in files {
            // A plan is checked as a library: required params nothing binds are typed, not errors.
            let result = loader.load(file: file, env: binding.environment, overrides: overrides, asLibrary: true)
            var diagnostics = result.diagnostics
            if let plan = result.plan {
                for linter in Self.linters { diagnostics += linter.lint(plan) }
            }
            let renderer = DiagnosticRenderer(
                format: format.renderer, showsSource: format == .text && StandardError.isTerminal, sources: result.sources)
            StandardError.write(renderer.render(diagnostics))
            failed = failed || diagnostics.hasErrors
        }
        if failed { throw ExitCode(2) }
    }
}

enum DiagnosticFormat: String, ExpressibleByArgument, CaseIterable {
    case text, github

    var renderer: DiagnosticRenderer.Format { self == .text ? .text : .github }
}
