import ArgumentParser
import Foundation
import Runner

@main
struct PlanCommand: AsyncParsableCommand {
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
    static func main() async {
        // `plan --version` answers before argument-parser builds every subcommand's argument
        // set by reflection (a third of the command's start-up instructions).
        if CommandLine.arguments.dropFirst() == ["--version"] {
            print(PlanVersion.current)
            return
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.invalidInput)
            }
            exit(withError: error)
        }
    }
}
