import ArgumentParser
import Glibc
import PlanStartup  // a C constructor: starts loading libpq before main for the commands that connect
import Runner

@main
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Run PostgreSQL release procedures written as declarative plan files.",
        version: PlanVersion.current,
        subcommands: [
            RunCommand.self, CheckCommand.self, ShowCommand.self, StatusCommand.self,
            MigrateCommand.self, ResolveCommand.self, VerifyCommand.self, SchemaCommand.self,
        ]
    )

    /// Argument errors exit 2 (the plan or the command line is invalid), not argument-parser's 64,
    /// so scripts can tell a bad invocation from a failed step.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        // `plan --version` answers before argument-parser builds any argument set by reflection.
        if arguments == ["--version"] {
            print(PlanVersion.current)
            return
        }
        do {
            // `plan run …` as a deploy writes it, read without argument-parser (RunInvocation+CommonShape).
            if arguments.first == RunInvocation.commandName, let run = RunInvocation.parsingCommonShape(arguments.dropFirst()) {
                try run.run()
                return
            }
            var command = try quickParse(arguments) ?? parseAsRoot(arguments)
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                StandardError.write(fullMessage(for: error) + "\n")
                Glibc.exit(ExitStatus.invalidInput)
            }
            exit(withError: error)
        }
    }

    /// `plan <subcommand> …` with valid arguments, parsed by the subcommand alone: parsing from
    /// the root first builds every subcommand's argument set by reflection (to look for a
    /// completion-script request), which was ~2.5 ms of every invocation. Anything this path
    /// does not accept — help, a typo, a missing argument — goes through the full parser, so
    /// messages and usage lines are argument-parser's own.
    private static func quickParse(_ arguments: [String]) -> (any ParsableCommand)? {
        guard let name = arguments.first,
            let subcommand = configuration.subcommands.first(where: { $0._commandName == name })
        else { return nil }
        let rest = arguments.dropFirst()
        if rest.contains(where: { $0 == "-h" || $0 == "--help" || $0.hasPrefix("--generate-completion") }) {
            return nil
        }
        return try? subcommand.parse(Array(rest))
    }
}
