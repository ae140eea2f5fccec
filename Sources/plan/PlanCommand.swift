import ArgumentParser
import Glibc
import Runner

@main
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Run PostgreSQL release procedures written as declarative plan files.",
        version: "\(PlanVersion.current) (libpq \(PostgresConnection.clientLibraryVersion))",
        subcommands: [
            RunCommand.self, CheckCommand.self, ShowCommand.self, StatusCommand.self,
            MigrateCommand.self, ResolveCommand.self, VerifyCommand.self, SchemaCommand.self,
        ]
    )

    /// Argument errors exit 2 (the plan or the command line is invalid), not argument-parser's 64,
    /// so scripts can tell a bad invocation from a failed step.
    static func main() {
        // Before anything starts a thread: exec steps need SIGCHLD at its default to see their
        // children end, and SIGINT/SIGTERM must reach the handlers plan installs.
        InheritedSignals.reset()
        ProcessExit.protectCredentials()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                StandardError.write(fullMessage(for: error) + "\n")
                ProcessExit.now(ExitStatus.invalidInput)
            }
            // As argument-parser's exit(withError:) prints, without its libc exit.
            let message = fullMessage(for: error)
            if !message.isEmpty {
                if code == .success { OutputStream.standardOutput.write(message + "\n") } else { StandardError.write(message + "\n") }
            }
            ProcessExit.now(code.rawValue)
        }
        // Every command ends here or in RunWiring: one way out.
        ProcessExit.now(0)
    }
}
