import ArgumentParser
import FoundationEssentials
import PlanModel
import Runner

/// Loads a plan file for the commands that run one, printing its diagnostics (warnings too);
/// an invalid plan exits 2 before anything connects.
enum PlanLoading {
    static func load(_ file: String, binding: PlanBinding, context: ProjectContext) throws -> Plan {
        // `env.X` sees the same variables the connection does.
        var loader = PlanLoader(environment: context.environment, defaults: context.planDefaults)
        loader.rootPolicy = binding.rootPolicy
        let result = loader.load(file: file, env: binding.environment, overrides: binding.overrides)
        let renderer = DiagnosticRenderer(showsSource: StandardError.isTerminal, sources: result.sources)
        StandardError.write(renderer.render(result.diagnostics))
        guard let plan = result.plan else { throw ExitCode(ExitStatus.invalidInput) }
        // Steps read files (SQL, migrations) through LocalFileSystem, held to the plan's root.
        ProjectRoot.processWide = plan.projectRoot
        return plan
    }
}
