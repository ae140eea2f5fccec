import ArgumentParser
import PlanModel

/// Output formats of run-like commands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Options every command that talks to a database takes (SPEC §4).
struct ConnectionOptions: ParsableArguments {
    static let defaultLockTimeout = "30s"
    static let defaultFormat = OutputFormat.text

    @Option(
        name: .customLong("database-url"),
        help: "PostgreSQL URL (default: the plan's database_url, then DATABASE_URL, then libpq's PG* variables).")
    var databaseURL: String?

    @Option(name: .customLong("lock-timeout"), help: "How long to wait for the migration lock, e.g. 30s, 2m.")
    var lockTimeout: String = Self.defaultLockTimeout

    @Flag(
        name: .customLong("no-create-database"),
        help: "Fail when the URL's database does not exist, instead of creating it as prisma migrate deploy does.")
    var noCreateDatabase = false

    @Option(help: "Output format: text or json (one event per line).")
    var format: OutputFormat = Self.defaultFormat

    @Option(help: "Append a Markdown summary to this file (e.g. $GITHUB_STEP_SUMMARY).")
    var summary: String?

    func validate() throws {
        guard Units.duration(lockTimeout) != nil else {
            throw ValidationError("--lock-timeout '\(lockTimeout)' is not a duration; write e.g. 30s, 2m or 500ms")
        }
    }

    /// What was chosen, as the plain value the wiring takes.
    var choice: ConnectionChoice {
        ConnectionChoice(
            databaseURL: databaseURL, lockTimeout: Units.duration(lockTimeout) ?? .seconds(30), format: format, summary: summary,
            createsMissingDatabase: !noCreateDatabase)
    }
}

/// How a command connects and reports, once read from the command line.
struct ConnectionChoice: Equatable {
    var databaseURL: String?
    var lockTimeout: Duration
    var format: OutputFormat
    var summary: String?
    var createsMissingDatabase = true
}

struct MigrationsOption: ParsableArguments {
    @Option(help: "The Prisma migrations folder (default: the Prisma schema's, else prisma/migrations).")
    var migrations: String?

    @Flag(name: .customLong("allow-empty"), help: "A missing or empty migrations folder is expected, not an error.")
    var allowEmpty = false

    /// The folder, and how it was chosen, for messages about it.
    func chosen(_ context: ProjectContext) -> (path: String, chosenBy: String) {
        if let migrations { return (migrations, "--migrations") }
        return context.defaultMigrations
    }
}
