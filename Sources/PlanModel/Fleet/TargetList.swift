/// One database of a fleet, as a targets file names it: `plan run --targets FILE` runs the plan
/// against each, exactly as a single run with that URL would.
public struct TargetSpec: Sendable, Equatable {
    /// Unique in the file; the run log, `--resume` and `--shard` key on it.
    public var name: String
    /// The connection string (a secret: it may hold a password). nil when the target comes
    /// from a file that failed to decode it.
    public var url: Secret
    /// The wave the target belongs to; waves run in the order their groups first appear.
    public var group: String?
    /// A label for the server it lives on (`--per-host` counts per label); nil: the URL's host:port.
    public var host: String?
    /// `set:` values, as `--set name=value` would give them, for this target only.
    public var overrides: [String: String]
    /// Where the target is written, for messages about it.
    public var location: SourceLocation

    public init(
        name: String, url: Secret, group: String? = nil, host: String? = nil, overrides: [String: String] = [:],
        location: SourceLocation
    ) {
        self.name = name
        self.url = url
        self.group = group
        self.host = host
        self.overrides = overrides
        self.location = location
    }
}

/// The outcome of reading a targets file: the targets when there are no errors, and every
/// diagnostic either way.
public struct TargetListResult: Sendable {
    public var targets: [TargetSpec]?
    public var diagnostics: [Diagnostic]
    public var sources: [String: SourceText]
    /// Texts that came from `env` (the URLs among them): output masks them.
    public var secrets: [String]
}

/// Reads a targets file with the plan files' YAML layer, so its errors name `file:line:column`
/// the same way:
///
/// ```yaml
/// targets:
///   - name: tenant-001
///     url: ${{ env.TENANT_001_URL }}
///     group: canary          # optional: waves, in order of first appearance
///     host: db-1             # optional: per-host label (default: the URL's host:port)
///     set: { lists: 50 }     # optional: --set values for this target
/// ```
///
/// Pure apart from reading the file through `fileSystem`: `env.X` reads the environment passed in.
public struct TargetListLoader: Sendable {
    public static let targetKeys = ["name", "url", "group", "host", "set"]

    public let environment: [String: String]
    public let fileSystem: any FileReading

    public init(environment: [String: String], fileSystem: any FileReading = LocalFileSystem()) {
        self.environment = environment
        self.fileSystem = fileSystem
    }

    public func load(file: String) -> TargetListResult {
        let path = Paths.normalize(file)
        let session = LoadSession(fileSystem: fileSystem, environment: environment, defaults: Settings())
        var targets: [TargetSpec] = []
        if let root = session.parse(path, referencedAt: nil) {
            let context = FileContext(
                session: session, file: path,
                scope: ExpressionScope(params: [:], paramsReadable: false, environment: environment, planName: ""))
            targets = context.targetList(root)
        }
        let diagnostics = session.diagnostics.diagnostics
        return TargetListResult(
            targets: diagnostics.hasErrors ? nil : targets, diagnostics: diagnostics, sources: session.sources,
            secrets: session.secrets.sorted())
    }
}

extension FileContext {
    fileprivate func targetList(_ root: YAMLNode) -> [TargetSpec] {
        guard let top = MappingReader(root, "a targets file", known: ["targets"], context: self),
            let list = top.require("targets", in: "a targets file", context: self)
        else { return [] }
        guard let items = list.sequence else {
            report(.wrongNode("'targets'", expected: "a list", found: list.kindDescription), at: list.location)
            return []
        }
        var targets: [TargetSpec] = []
        var seen: [String: SourceLocation] = [:]
        for item in items {
            guard let target = target(item) else { continue }
            if let first = seen[target.name] {
                report(.duplicateTarget(target.name, firstLine: first.line), at: target.location)
                continue
            }
            seen[target.name] = target.location
            targets.append(target)
        }
        if items.isEmpty { report(.noTargets, at: list.location) }
        return targets
    }

    private func target(_ node: YAMLNode) -> TargetSpec? {
        guard let mapping = MappingReader(node, "a target", known: TargetListLoader.targetKeys, context: self) else { return nil }
        let nameNode = mapping.require("name", in: "a target", context: self)
        let urlNode = mapping.require("url", in: "a target", context: self)
        let name = nameNode.flatMap { string($0, "'name'") }
        let url = urlNode.flatMap { string($0, "'url'") }
        let group = mapping["group"].flatMap { string($0, "'group'") }
        let host = mapping["host"].flatMap { string($0, "'host'") }
        var overrides: [String: String] = [:]
        if let set = mapping["set"], let values = MappingReader(set, "'set'", known: [], context: self) {
            for pair in values.pairs {
                guard let key = pair.key.scalar?.value, let value = string(pair.value, "'set.\(key)'") else { continue }
                overrides[key] = value
            }
        }
        guard let name, let url, let nameNode else { return nil }
        if let problem = Self.targetNameProblem(name) {
            report(.badTargetName(name, reason: problem), at: nameNode.location)
            return nil
        }
        if url.isEmpty, let urlNode {
            report(.emptyTargetURL(name), at: urlNode.location)
            return nil
        }
        // The whole URL is kept secret, whether or not it came from `env`: it may hold a password.
        session.secrets.insert(url)
        return TargetSpec(name: name, url: Secret(url), group: group, host: host, overrides: overrides, location: node.location)
    }

    /// Names go into a log, a table and a shard's hash: printable, one line, not empty.
    static func targetNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "it contains a control character"
        }
        if name.count > 200 { return "it is longer than 200 characters" }
        return nil
    }
}
