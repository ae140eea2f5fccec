/// The state of one `PlanLoader.load` call: everything shared by the files it reads. A class so
/// every decoder reports into the same collector; it never outlives the call.
final class LoadSession {
    let fileSystem: any FileReading
    let environment: [String: String]
    /// Where paths in plans must stay (nil: anywhere), and what relative paths are relative to.
    let projectRoot: ProjectRoot?
    let workingDirectory: String
    let diagnostics = DiagnosticCollector()
    /// Texts that came from `env` and ended up in the plan; output masks them.
    var secrets: Set<String> = []
    var sources: [String: SourceText] = [:]
    /// Each file is read and parsed once, however often it is included.
    private var parsed: [String: YAMLNode?] = [:]
    /// Files being decoded, outermost first, to detect `uses:` cycles.
    var fileChain: [String] = []
    /// The top-level plan's settings: included plans use them too.
    var settings: Settings
    /// `plan check` of a reusable plan: unbound required params read as stand-ins.
    var checksAsLibrary = false
    /// What settings are before the plan says anything: the CLI's, from the Prisma project.
    let defaults: Settings
    /// Step ids with where they are written, for the uniqueness and `from_step` checks.
    var stepIDs: [(id: String, location: SourceLocation, chain: [SourceLocation])] = []
    var stepReferences: [(id: String, location: SourceLocation, chain: [SourceLocation])] = []

    init(
        fileSystem: any FileReading, environment: [String: String], defaults: Settings, projectRoot: ProjectRoot? = nil,
        workingDirectory: String = "/"
    ) {
        self.fileSystem = fileSystem
        self.environment = environment
        self.defaults = defaults
        settings = defaults
        self.projectRoot = projectRoot
        self.workingDirectory = workingDirectory
    }

    /// The root node of `path`, reporting read and YAML errors. A file that cannot be read is
    /// reported at `reference` (a `uses:` value) with that file's include chain, when given.
    func parse(_ path: String, referencedAt reference: SourceLocation?, referenceChain: [SourceLocation] = []) -> YAMLNode? {
        if let cached = parsed[path] { return cached }
        let whole = reference ?? SourceLocation(file: path, line: 0, column: 0)
        let contentChain = diagnostics.includeChain
        if reference != nil { diagnostics.includeChain = referenceChain }
        defer { diagnostics.includeChain = contentChain }
        var root: YAMLNode?
        do throws(FileReadError) {
            if let projectRoot, let real = projectRoot.escape(of: path) { throw FileReadError.outsideRoot(realPath: real) }
            let bytes = try fileSystem.read(path, limit: PlanLoader.maximumFileSize)
            sources[path] = SourceText(String(decoding: bytes, as: UTF8.self))
            diagnostics.includeChain = contentChain
            let result = YAMLComposer(file: path).compose(bytes)
            for diagnostic in result.diagnostics { diagnostics.report(diagnostic) }
            root = result.root
            if result.diagnostics.isEmpty && (root == nil || root?.isNull == true) {
                diagnostics.report(.emptyFile, at: SourceLocation(file: path, line: 1, column: 1))
                root = nil
            }
        } catch {
            switch error {
            case .notFound:
                diagnostics.report(.fileNotFound(path), at: whole)
            case .tooLarge(let bytes):
                diagnostics.report(.fileTooLarge(path, bytes: bytes, limit: PlanLoader.maximumFileSize), at: whole)
            case .unreadable(let reason):
                diagnostics.report(.fileUnreadable(path, reason: reason), at: whole)
            case .outsideRoot(let real):
                diagnostics.report(.outsideProjectRoot(path, realPath: real, root: projectRoot?.description ?? "/"), at: whole)
            }
        }
        parsed[path] = .some(root)
        return root
    }
}

extension DiagnosticCollector {
    /// Adds a diagnostic made elsewhere (the YAML composer), with the current include chain.
    func report(_ diagnostic: Diagnostic) {
        report(
            DiagnosticMessage(code: diagnostic.code, text: diagnostic.message, severity: diagnostic.severity), at: diagnostic.location,
            notes: diagnostic.notes)
    }
}
