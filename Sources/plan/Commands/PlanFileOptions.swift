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

    @Option(
        name: .customLong("root"),
        help: ArgumentHelp(
            "The project root: files the plan names (file, uses, migrations) must be inside it. Default: the git work tree of the plan, else the working directory when the plan is inside it, else the plan's directory.",
            valueName: "dir"))
    var root: String?

    @Flag(name: .customLong("allow-outside-root"), help: "Let the plan read files outside the project root.")
    var allowOutsideRoot = false

    /// These options as written, for a fleet's child runs.
    var arguments: [String] {
        var arguments: [String] = []
        if let environment { arguments += ["--env", environment] }
        for assignment in assignments { arguments += ["--set", assignment] }
        if let root { arguments += ["--root", root] }
        if allowOutsideRoot { arguments.append("--allow-outside-root") }
        return arguments
    }

    /// Where paths in the plan must stay.
    var rootPolicy: PlanLoader.RootPolicy {
        if allowOutsideRoot { return .unrestricted }
        let cwd = FileManager.default.currentDirectoryPath
        if let root { return .given(root, workingDirectory: cwd) }
        return .aroundPlan(workingDirectory: cwd, shippedPlans: Self.shippedPlans)
    }

    /// The reusable plans installed with this binary (PREFIX/share/plan/plans beside
    /// PREFIX/bin/plan), when there are any: a service's plan may `uses:` them.
    static var shippedPlans: String? {
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        let plans = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("../share/plan/plans").standardized
            .path
        var isDirectory = false
        return FileManager.default.fileExists(atPath: plans, isDirectory: &isDirectory) && isDirectory ? plans : nil
    }

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
        PlanBinding(environment: environment, overrides: try overrides(), rootPolicy: rootPolicy)
    }

    func loader(_ context: ProjectContext) -> PlanLoader {
        var loader = PlanLoader(environment: context.environment, defaults: context.planDefaults)
        loader.rootPolicy = rootPolicy
        return loader
    }
}

/// Which environment of a plan to use and which params to override, once read from the command line.
struct PlanBinding: Equatable {
    var environment: String?
    var overrides: [String: String]
    var rootPolicy: PlanLoader.RootPolicy = .unrestricted

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
    /// Diagnostics quote plan files, which may come from others: control characters escaped.
    static func write(_ text: String) {
        OutputStream.standardError.write(TerminalText.sanitized(text))
    }

    /// Source lines and carets only for a person at a terminal.
    static var isTerminal: Bool { OutputStream.standardError.isTerminal }
}
