import ArgumentParser
import PlanModel
import Runner
import Steps

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Parse, resolve and type-check plan files without a database.",
        discussion: "Prints every problem as file:line:column and exits 2 when any file has an error.")

    /// Checks that run on a plan that loaded cleanly. The SQL lint plugs in here.
    static func linters(scope: MigrationScope) -> [any PlanLinter] { [MigrationSQLLinter(scope: scope)] }

    @Argument(help: "The plan files to check.")
    var files: [String]

    @Option(help: "text (for people), github (workflow annotations) or json (one document on stdout, docs/EVENTS.md).")
    var format: DiagnosticFormat = .text

    @OptionGroup var binding: PlanBindingOptions
    @OptionGroup var project: ProjectOptions
    @OptionGroup var scope: CheckScopeOptions

    func run() throws {
        let context = try ProjectContext.discover(schema: project.schema, databaseURLGiven: scope.databaseURL != nil || !scope.pending)
        let loader = binding.loader(context)
        let overrides = try binding.overrides()
        var failed = false
        var all: [Diagnostic] = []
        for file in files {
            // A plan is checked as a library: required params nothing binds are typed, not errors.
            let result = loader.load(file: file, env: binding.environment, overrides: overrides, asLibrary: true)
            var diagnostics = result.diagnostics
            if let plan = result.plan {
                for linter in Self.linters(scope: try scope.scope(for: plan, context: context)) { diagnostics += linter.lint(plan) }
            }
            failed = failed || diagnostics.hasErrors
            guard let renderer = format.renderer else {
                all += diagnostics
                continue
            }
            let shown = DiagnosticRenderer(
                format: renderer, showsSource: format == .text && StandardError.isTerminal, sources: result.sources)
            StandardError.write(shown.render(diagnostics))
        }
        if format == .json { print(Self.json(files: files, diagnostics: all, valid: !failed).rendered) }
        if failed { throw ExitCode(2) }
    }

    /// `plan check --format json`, version 1: every file checked, every diagnostic with its place.
    static func json(files: [String], diagnostics: [Diagnostic], valid: Bool) -> JSONValue {
        .object([
            ("version", .int(1)), ("valid", .bool(valid)), ("files", .array(files.map(JSONValue.string))),
            (
                "diagnostics",
                .array(
                    diagnostics.map { diagnostic in
                        .object([
                            ("file", .string(diagnostic.location.file)), ("line", .int(diagnostic.location.line)),
                            ("column", .int(diagnostic.location.column)), ("severity", .string(diagnostic.severity.rawValue)),
                            ("code", .string(diagnostic.code)), ("message", .string(diagnostic.message)),
                        ])
                    })
            ),
        ])
    }
}

enum DiagnosticFormat: String, ExpressibleByArgument, CaseIterable {
    case text, github, json

    /// nil for json, which is one document for every file, written at the end.
    var renderer: DiagnosticRenderer.Format? {
        switch self {
        case .text: .text
        case .github: .github
        case .json: nil
        }
    }
}
