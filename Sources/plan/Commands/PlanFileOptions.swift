import ArgumentParser
import FoundationEssentials
import PlanModel
import Runner

/// How a plan file is bound: the environment and `--set` overrides, shared by the commands
/// that load a plan.
struct PlanBindingOptions: ParsableArguments {
    @Option(name: .customLong("env"), help: "The environment of the plan to use (its params and settings override the defaults).")
    var environment: String?

    @Option(
        name: .customLong("set"), help: ArgumentHelp("Set a param, overriding the environment and the default.", valueName: "name=value"))
    var assignments: [String] = []

    /// `--set name=value` pairs; a later `--set` of the same name wins, as on most CLIs.
    /// A malformed one is an invalid command line: exit 2, as the spec says.
    func overrides() throws -> [String: String] {
        do throws(PlanBinding.MalformedAssignment) {
            return try PlanBinding.overrides(assignments)
        } catch {
            StandardError.write("error: --set '\(error.text)': write --set name=value\n")
            throw ExitCode(2)
        }
    }

    /// The environment and the overrides, checked: a malformed `--set` exits 2.
    func binding() throws -> PlanBinding {
        PlanBinding(environment: environment, overrides: try overrides())
    }

    func loader(_ context: ProjectContext) -> PlanLoader {
        PlanLoader(environment: context.environment, defaults: context.planDefaults)
    }
}

/// Which environment of a plan to use and which params to override, once read from the command line.
struct PlanBinding: Equatable {
    var environment: String?
    var overrides: [String: String]

    struct MalformedAssignment: Error {
        var text: String
    }

    /// `--set name=value` pairs as overrides; a later one of the same name wins.
    static func overrides(_ assignments: [String]) throws(MalformedAssignment) -> [String: String] {
        var overrides: [String: String] = [:]
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw MalformedAssignment(text: assignment)
            }
            overrides[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
        }
        return overrides
    }
}

enum StandardError {
    static func write(_ text: String) {
        OutputStream.standardError.write(text)
    }

    /// Source lines and carets only for a person at a terminal.
    static var isTerminal: Bool { OutputStream.standardError.isTerminal }
}
