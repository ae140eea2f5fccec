import ArgumentParser
import PlanModel

/// Output formats of run-like commands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    /// github: the text, plus workflow annotations for warnings, failures and findings.
    case text, json, github
}

/// Options every command that talks to a database takes (SPEC §4).
struct ConnectionOptions: ParsableArguments {
    static let defaultLockWait = Duration.seconds(30)
    static let defaultFormat = OutputFormat.text

    @Option(
        name: .customLong("database-url"),
        help: "PostgreSQL URL (default: the plan's database_url, then DATABASE_URL, then libpq's PG* variables).")
    var databaseURL: String?

    @Option(
        name: .customLong("database-url-env"),
        help: ArgumentHelp(
            "Read the PostgreSQL URL from this environment variable, as if given with --database-url (it stays out of the process list).",
            valueName: "name"))
    var databaseURLVariable: String?

    @Option(
        name: .customLong("lock-wait"),
        help: "How long to wait for the migration lock another deploy holds, e.g. 30s, 2m (default: the plan's lock_wait, else 30s).")
    var lockWait: String?

    /// The old name of `--lock-wait`, which collided with PostgreSQL's `lock_timeout`.
    @Option(name: .customLong("lock-timeout"), help: .hidden)
    var deprecatedLockTimeout: String?

    @Flag(
        name: .customLong("no-create-database"),
        help: "Fail when the URL's database does not exist, instead of creating it as prisma migrate deploy does.")
    var noCreateDatabase = false

    @Option(help: "Output format: text, json (one event per line, docs/EVENTS.md) or github (text plus workflow annotations).")
    var format: OutputFormat = Self.defaultFormat

    @Option(help: "Append a Markdown summary to this file (default: $GITHUB_STEP_SUMMARY when it is set).")
    var summary: String?

    /// Whether the command line names the URL (then a Prisma project's unset variables do not matter).
    var namesURL: Bool { databaseURL != nil || databaseURLVariable != nil }

    func validate() throws {
        if databaseURL != nil && databaseURLVariable != nil {
            throw ValidationError("give --database-url or --database-url-env, not both")
        }
        if let lockWait, Units.duration(lockWait) == nil {
            throw ValidationError("--lock-wait '\(lockWait)' is not a duration; write e.g. 30s, 2m or 500ms")
        }
        if let old = deprecatedLockTimeout {
            guard Units.duration(old) != nil else {
                throw ValidationError("--lock-timeout '\(old)' is not a duration; write e.g. --lock-wait 30s")
            }
            if lockWait != nil { throw ValidationError("--lock-timeout is the old name of --lock-wait; give only --lock-wait") }
            StandardError.write(
                "warning: --lock-timeout is deprecated: it is the wait for the migration lock, now --lock-wait "
                    + "(PostgreSQL's lock_timeout for migrations is the plan's `lock_timeout` setting)\n")
        }
    }

    /// The options a fleet's child run takes from this command line (not the URL, the format or
    /// the summary, which the fleet owns).
    var childArguments: [String] {
        var arguments: [String] = []
        if let wait = lockWait ?? deprecatedLockTimeout { arguments += ["--lock-wait", wait] }
        if noCreateDatabase { arguments.append("--no-create-database") }
        return arguments
    }

    /// What was chosen, as the plain value the wiring takes.
    var choice: ConnectionChoice {
        ConnectionChoice(
            databaseURL: databaseURL, databaseURLVariable: databaseURLVariable,
            lockWait: (lockWait ?? deprecatedLockTimeout).flatMap(Units.duration), format: format,
            summary: summary,
            createsMissingDatabase: !noCreateDatabase)
    }
}

/// How a command connects and reports, once read from the command line.
struct ConnectionChoice: Equatable {
    var databaseURL: String?
    /// `--database-url-env NAME`: the URL is that variable's value.
    var databaseURLVariable: String?
    /// `--lock-wait`, nil when not given (then the plan's `lock_wait`, else 30 s).
    var lockWait: Duration?
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
