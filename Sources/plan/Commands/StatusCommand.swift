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

    @OptionGroup(title: "Fleets") var fleet: FleetOptions

    func validate() throws {
        if fleet.isFleet && connection.namesURL {
            throw ValidationError("--targets names the databases; --database-url and --database-url-env name one: give one or the other")
        }
    }

    func run() throws {
        let context = try ProjectContext.discover(
            schema: project.schema, migrations: folder.migrations, databaseURLGiven: connection.namesURL || fleet.isFleet)
        if fleet.isFleet {
            var arguments = ["status", "--format", "json", "--database-url-env", FleetPool.urlVariable] + connection.childArguments
            if let migrations = folder.migrations { arguments += ["--migrations", migrations] }
            if folder.allowEmpty { arguments.append("--allow-empty") }
            if strict { arguments.append("--strict") }
            if let schema = project.schema { arguments += ["--schema", schema] }
            try FleetWiring.run(
                FleetWiring.Job(kind: .status, title: "plan status", plan: "status", arguments: arguments), fleet: fleet,
                rollout: RolloutChoice(), output: connection.choice, context: context)
        }
        let (migrations, chosenBy) = folder.chosen(context)
        let runner = StatusRunner(migrations: migrations, migrationsChosenBy: chosenBy, strict: strict, allowEmpty: folder.allowEmpty)
        try RunWiring.run(
            plan: "status", file: nil, steps: [ExecutableStep(name: "status", kind: "status", runner: runner)],
            options: connection.choice, context: context, readOnly: true)
    }
}
