/// Loads a plan file into a resolved `Plan`: reads it and every file it `uses:`, binds params,
/// evaluates expressions and checks everything, collecting all problems rather than stopping
/// at the first.
///
/// Pure apart from reading files through `fileSystem`: the process environment is passed in,
/// so the same inputs always give the same plan and diagnostics.
public struct PlanLoader: Sendable {
    /// Plan files are small; anything bigger is a mistake (a dump, a binary) and is refused
    /// before it is read into memory.
    public static let maximumFileSize = 16 * 1024 * 1024

    public let environment: [String: String]
    public let fileSystem: any FileReading
    public let defaults: Settings
    /// Where paths in plans must stay (issue 19, item 5). `.unrestricted` for tests and
    /// `--allow-outside-root`; the CLI's default is the top-level plan's `ProjectRoot.around`.
    public var rootPolicy: RootPolicy = .unrestricted

    public enum RootPolicy: Sendable, Equatable {
        case unrestricted
        /// The directory around the top-level plan (`ProjectRoot.around`).
        case aroundPlan(workingDirectory: String, shippedPlans: String? = nil)
        /// A root given on the command line (`--root DIR`).
        case given(String, workingDirectory: String)
    }

    /// - Parameters:
    ///   - environment: the variables `env.X` reads, usually `ProcessInfo.processInfo.environment`.
    ///   - defaults: settings before the plan says anything (the Prisma project's migrations folder).
    ///   - fileSystem: where files are read from; relative paths are relative to its root.
    public init(environment: [String: String], defaults: Settings = Settings(), fileSystem: any FileReading = LocalFileSystem()) {
        self.environment = environment
        self.defaults = defaults
        self.fileSystem = fileSystem
    }

    /// - Parameters:
    ///   - file: the plan file; relative paths inside it resolve against its directory.
    ///   - env: the environment picked with `--env`, if any.
    ///   - overrides: `--set name=value` pairs; they win over the environment and the defaults.
    /// - asLibrary: check a reusable plan on its own: required params that nothing binds are
    ///   typed but unbound (each reads as a stand-in value of its type), not errors.
    public func load(file: String, env: String? = nil, overrides: [String: String] = [:], asLibrary: Bool = false) -> LoadResult {
        let path = Paths.normalize(file)
        var projectRoot: ProjectRoot?
        var workingDirectory = "/"
        switch rootPolicy {
        case .unrestricted: break
        case .aroundPlan(let cwd, let shippedPlans):
            workingDirectory = cwd
            projectRoot = .around(planFile: path, workingDirectory: cwd, shippedPlans: shippedPlans)
        case .given(let directory, let cwd):
            workingDirectory = cwd
            projectRoot = ProjectRoot(directories: [Paths.absolute(directory, workingDirectory: cwd)])
        }
        let session = LoadSession(
            fileSystem: fileSystem, environment: environment, defaults: defaults, projectRoot: projectRoot,
            workingDirectory: workingDirectory)
        session.fileChain = [path]
        session.checksAsLibrary = asLibrary
        var plan: Plan?
        if let root = session.parse(path, referencedAt: nil) {
            let context = FileContext(
                session: session, file: path,
                scope: ExpressionScope(params: [:], paramsReadable: false, environment: environment, planName: ""))
            plan = context.topLevelPlan(root, environmentName: env, overrides: overrides)
        }
        let diagnostics = session.diagnostics.diagnostics
        plan?.projectRoot = projectRoot
        return LoadResult(plan: diagnostics.hasErrors ? nil : plan, diagnostics: diagnostics, sources: session.sources)
    }
}

/// The outcome of a load: a plan when there are no errors, and every diagnostic either way.
public struct LoadResult: Sendable {
    public var plan: Plan?
    public var diagnostics: [Diagnostic]
    /// The text of every file read, for showing source lines under diagnostics.
    public var sources: [String: SourceText]

    public init(plan: Plan?, diagnostics: [Diagnostic], sources: [String: SourceText] = [:]) {
        self.plan = plan
        self.diagnostics = diagnostics
        self.sources = sources
    }
}
