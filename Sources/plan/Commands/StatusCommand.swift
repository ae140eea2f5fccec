import ArgumentParser
import Runner
import Steps

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Compare the migrations folder with the database, like `prisma migrate status`; exit 1 unless up to date.")

    @OptionGroup var folder: MigrationsOption
    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        try RunWiring.run(
            plan: "status", file: nil,
            steps: [ExecutableStep(name: "status", kind: "status", runner: StatusRunner(migrations: folder.migrations))],
            options: connection.choice, readOnly: true)
    }
}
