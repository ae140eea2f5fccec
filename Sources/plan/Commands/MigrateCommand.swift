import ArgumentParser
import PlanModel
import Runner
import Steps

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply pending migrations, like `prisma migrate deploy`.")

    @OptionGroup var folder: MigrationsOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var risk: RiskOptions
    @OptionGroup var project: ProjectOptions

    @Option(help: "Stop after this migration.")
    var to: String?

    @Option(help: "per-migration (default) or all (every pending transactional migration in one transaction).")
    var transaction: String = "per-migration"

    @Flag(
        name: .customLong("fail-on-drift"),
        help: "Stop if an applied migration's file changed (by default: warn and go on, as Prisma does).")
    var failOnDrift = false

    @Flag(name: .customLong("allow-drift"), help: .hidden)
    var allowDrift = false

    @Option(help: "Mark every migration up to and including this one applied without running it (adopting an existing database).")
    var baseline: String?

    @Flag(
        name: .customLong("validate-first"),
        help: "Read and split every pending migration before applying any: one that cannot run stops them all.")
    var validateFirst = false

    @Flag(help: "Continue a partly applied migration from its first unit that did not commit.")
    var resume = false

    @Flag(name: .customLong("dry-run"), help: "Show what would be applied; write nothing.")
    var dryRun = false

    func validate() throws {
        try risk.validate(dryRun: dryRun)
        guard MigrateStep.TransactionMode(rawValue: transaction) != nil else {
            throw ValidationError("--transaction must be per-migration or all, not '\(transaction)'")
        }
    }

    func run() throws {
        let context = try ProjectContext.discover(
            schema: project.schema, migrations: folder.migrations, databaseURLGiven: connection.namesURL)
        if allowDrift { StandardError.write("warning: --allow-drift is deprecated: drift warns and goes on by default now\n") }
        let (migrations, chosenBy) = folder.chosen(context)
        var step = MigrateStep(
            migrations: migrations, migrationsChosenBy: chosenBy, to: to,
            transaction: MigrateStep.TransactionMode(rawValue: transaction) ?? .perMigration, baseline: baseline,
            onDrift: failOnDrift ? .fail : .warn, allowEmpty: folder.allowEmpty, onFailed: resume ? .resume : .stop)
        step.validateFirst = validateFirst
        try RunWiring.run(
            plan: "migrate", file: nil, steps: [ExecutableStep(name: "migrate", kind: "migrate", runner: MigrateRunner(step))],
            options: connection.choice, context: context, dryRun: dryRun, failOnRisk: risk.failOnRisk)
    }
}
