import ArgumentParser
import FoundationEssentials
import PlanModel
import PrismaProject
import Runner

/// What a command knows before it loads a plan or connects: the Prisma project in the working
/// directory, found as Prisma finds it; the environment, with the `.env` files Prisma would have
/// loaded; and the defaults they give (the migrations folder, the URL). Read once per command,
/// and the only place plan reads the process environment.
struct ProjectContext {
    var project: PrismaProject?
    /// Why there is no project, when there is none.
    var absence: String?
    var environment: [String: String]

    /// Finds the project. A project that cannot be read (a config that computes its schema path,
    /// a schema for another provider) is an invalid invocation: exit 2, saying which flag to use.
    static func discover(schema: String?, migrations: String? = nil, databaseURLGiven: Bool = false) throws -> ProjectContext {
        let workingDirectory = FileManager.default.currentDirectoryPath
        let process = ProcessEnvironment.variables()
        do throws(PrismaProjectError) {
            let project = try PrismaProject.discover(
                workingDirectory: workingDirectory, schemaFlag: schema, migrationsFlag: migrations, databaseURLGiven: databaseURLGiven)
            return ProjectContext(
                project: project, absence: nil, environment: DotEnv.merging(project.environmentFiles.paths, into: process))
        } catch {
            guard case .schemaNotFound = error, schema == nil else {
                StandardError.write("error: \(error.description)\n")
                throw ExitCode(ExitStatus.invalidInput)
            }
            // No Prisma project: a plan or the flags name everything, and `.env` / `prisma/.env`
            // are read as before.
            let files = [workingDirectory + "/.env", workingDirectory + "/prisma/.env"]
            return ProjectContext(project: nil, absence: error.message, environment: DotEnv.merging(files, into: process))
        }
    }

    /// The migrations folder when nothing more specific names one, and how it was chosen.
    var defaultMigrations: (path: String, chosenBy: String) {
        guard let project else { return ("prisma/migrations", "the default folder (no Prisma schema found)") }
        let chosenBy: String
        switch project.migrations.origin {
        case .flag: chosenBy = "--migrations"
        case .config(let location): chosenBy = "`migrations.path` at \(Self.shown(location))"
        case .besideSchema: chosenBy = "the Prisma schema at \(Self.shown(project.schema.path))"
        case .besideDatasourceFile(let file): chosenBy = "the Prisma schema's datasource file \(Self.shown(file))"
        }
        return (Self.shown(project.migrations.path), chosenBy)
    }

    /// Settings a plan starts from before it says anything itself.
    var planDefaults: Settings {
        let (path, chosenBy) = defaultMigrations
        return Settings(migrations: path, migrationsChosenBy: chosenBy)
    }

    /// The URL a run connects to, the way `prisma migrate` picks it: `--database-url`, else the
    /// plan's `database_url`, else the project's `directUrl`, else its `url`, else `DATABASE_URL`,
    /// else libpq's own defaults. A variable the project names but the environment lacks stops
    /// the run (exit 3) rather than connecting to whatever else is configured.
    func connectionTarget(commandLine: String?, variable: String? = nil, plan: String?) throws -> ConnectionTarget {
        switch chooseURL(commandLine: commandLine, variable: variable, plan: plan) {
        case .chosen(let url, let source):
            let target = Self.target(url, source: source)
            // libpq would read a string it cannot parse as a database name on the local socket:
            // a database nobody chose.
            if url != nil, target.endpoint == nil {
                StandardError.write(
                    "error: the connection string from \(source) is neither a postgresql:// URL nor libpq key=value settings; fix it, or pass --database-url. Nothing was connected to.\n"
                )
                throw ExitCode(ExitStatus.invalidInput)
            }
            return target
        case .unset(let problem):
            StandardError.write("error: \(problem); set it, or pass --database-url. Nothing was connected to.\n")
            throw ExitCode(ExitStatus.unavailable)
        }
    }

    /// What `plan show` says of the target: it connects to nothing, so an unset variable is said,
    /// not fatal.
    func targetDescription(commandLine: String?, plan: String?) -> String {
        switch chooseURL(commandLine: commandLine, plan: plan) {
        case .chosen(let url, let source): return RunTarget(endpoint: Self.target(url, source: source).endpoint, source: source).summary
        case .unset(let problem): return "none yet: \(problem)"
        }
    }

    private static func target(_ url: String?, source: String) -> ConnectionTarget {
        var target = ConnectionTarget(url: url)
        target.source = source
        return target
    }

    private enum URLChoice {
        case chosen(String?, source: String)
        /// The project names a variable the environment lacks.
        case unset(String)
    }

    private func chooseURL(commandLine: String?, variable: String? = nil, plan: String?) -> URLChoice {
        if let commandLine, !commandLine.isEmpty { return .chosen(commandLine, source: "--database-url") }
        if let variable {
            if let url = environment[variable], !url.isEmpty { return .chosen(url, source: "\(variable) (--database-url-env)") }
            return .unset("--database-url-env names the environment variable \(variable), which is not set")
        }
        if let plan, !plan.isEmpty { return .chosen(plan, source: "the plan's database_url") }
        if let value = project?.datasource.migrationURL {
            let place = "`\(value.key)` at \(Self.shown(value.location))"
            switch value.source {
            case .literal(let url): return .chosen(url, source: place)
            case .environment(let variable):
                if let url = environment[variable], !url.isEmpty { return .chosen(url, source: "\(variable), named by \(place)") }
                return .unset(
                    "the Prisma project's \(place) reads the environment variable \(variable), which is not set"
                        + (environment[variable] == nil ? "" : " (it is empty)"))
            }
        }
        if let url = environment["DATABASE_URL"], !url.isEmpty { return .chosen(url, source: "DATABASE_URL") }
        return .chosen(nil, source: "libpq's defaults (PG* variables, .pgpass): nothing names a URL")
    }

    /// A path as the user would type it: relative to the working directory when inside it.
    static func shown(_ path: String) -> String {
        let base = FileManager.default.currentDirectoryPath + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }

    static func shown(_ location: PrismaLocation) -> String {
        "\(shown(location.file)):\(location.line):\(location.column)"
    }
}

/// `--schema`, as Prisma's flag: the commands that find a Prisma project take it.
struct ProjectOptions: ParsableArguments {
    @Option(help: "The Prisma schema file or multi-file schema folder (default: found as Prisma finds it).")
    var schema: String?
}
