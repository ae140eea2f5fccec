import ArgumentParser
import Runner
import Steps

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Compare the migrations folder with the database, like `prisma migrate status`; exit 1 unless up to date.")

    @OptionGroup var folder: MigrationsOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var project: ProjectOptions

    @Flag(help: "Also fail (exit 1) on edited or missing-locally migrations, which Prisma only ignores.")
    var strict = false

    func run() throws {
        let context = try ProjectContext.discover(
            schema: project.schema, migrations: folder.migrations, databaseURLGiven: connection.databaseURL != nil)
        let (migrations, chosenBy) = folder.chosen(context)
        let runner = StatusRunner(migrations: migrations, migrationsChosenBy: chosenBy, strict: strict, allowEmpty: folder.allowEmpty)
        try RunWiring.run(
            plan: "status", file: nil, steps: [ExecutableStep(name: "status", kind: "status", runner: runner)],
            options: connection.choice, context: context, readOnly: true)
    }
}
