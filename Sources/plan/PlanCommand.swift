import ArgumentParser
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
}
