import ArgumentParser
import PlanModel
import Runner
import Steps

/// Which migrations `plan check` lints: applied ones cannot change without drift, so their
/// warnings only drown the new one's.
struct CheckScopeOptions: ParsableArguments {
    @Option(
        name: .customLong("since"),
        help: ArgumentHelp(
            "Lint only migrations whose folder changed since this git ref (e.g. origin/main): `git diff --name-only` plus untracked files.",
            valueName: "git-ref"))
    var since: String?

    @Option(
        name: .customLong("database-url"),
        help: "Lint only migrations this database has not applied (read-only: it reads _prisma_migrations).")
    var databaseURL: String?

    @Flag(help: "Lint only migrations not applied to the plan's database (its database_url, else DATABASE_URL, else PG*).")
    var pending = false

    /// The scope for `plan`'s migrate steps; unscoped without --since, --database-url and --pending.
    func scope(for plan: Plan, context: ProjectContext) throws -> MigrationScope {
        var scope = MigrationScope()
        if let since {
            var changed: Set<String> = []
            for case .migrate(let migrate) in plan.steps.map(\.action) {
                do {
                    changed.formUnion(
                        try MigrationScope.changedMigrations(in: migrate.migrations, since: since, environment: context.environment))
                } catch {
                    StandardError.write("error: \(error); nothing was checked\n")
                    throw ExitCode(ExitStatus.invalidInput)
                }
            }
            scope.changed = changed
            scope.ref = since
        }
        if databaseURL != nil || pending {
            let target = try context.connectionTarget(commandLine: databaseURL, plan: plan.settings.databaseURL?.revealed)
            let redactor = RunSecrets.redactor(
                planSecrets: plan.secretValues, target: target, environment: context.environment, workingDirectory: ".")
            do { scope.applied = try AppliedMigrations.names(target: target, redactor: redactor) } catch {
                StandardError.write("error: could not read the applied migrations: \(error.description)\n")
                throw ExitCode(ExitStatus.unavailable)
            }
        }
        return scope
    }
}
