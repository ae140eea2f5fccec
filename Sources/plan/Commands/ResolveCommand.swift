import ArgumentParser
import PlanModel
import Runner
import Steps

struct ResolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve", abstract: "Mark a migration applied or rolled back, like `prisma migrate resolve`.")

    @Option(help: "Record this migration as applied without running it.")
    var applied: String?

    @Option(name: .customLong("rolled-back"), help: "Record this failed migration as rolled back.")
    var rolledBack: String?

    @OptionGroup var folder: MigrationsOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var project: ProjectOptions

    func validate() throws {
        switch (applied, rolledBack) {
        case (nil, nil): throw ValidationError("give --applied NAME or --rolled-back NAME")
        case (.some, .some): throw ValidationError("give either --applied or --rolled-back, not both")
        case (.some(let name), nil) where name.isEmpty, (nil, .some(let name)) where name.isEmpty:
            throw ValidationError("the migration name is empty")
        default: break
        }
    }

    func run() throws {
        let context = try ProjectContext.discover(
            schema: project.schema, migrations: folder.migrations, databaseURLGiven: connection.namesURL)
        let mark: ResolveStep.Mark = applied.map { .applied($0) } ?? .rolledBack(rolledBack ?? "")
        let step = ResolveStep(mark: mark, migrations: folder.chosen(context).path)
        try RunWiring.run(
            plan: "resolve", file: nil,
            steps: [ExecutableStep(name: "resolve", kind: "resolve", runner: ResolveRunner(step, strict: true))],
            options: connection.choice, context: context)
    }
}
