/// What `prisma.config.*` says about the schema, the migrations folder, the datasource and `.env`
/// loading, read statically. Paths are resolved against the config file's folder, as Prisma's
/// `transformPathsInConfigToAbsolute` does (`packages/config/src/loadConfigFromFile.ts`).
struct PrismaConfigFile: Equatable {
    struct PathSetting: Equatable {
        var path: String
        var location: PrismaLocation
    }

    struct DatasourceSetting: Equatable {
        var location: PrismaLocation
        var url: ConnectionValue?
        var directUrl: ConnectionValue?
        var shadowDatabaseUrl: ConnectionValue?
    }

    var path: String
    var schema: PathSetting?
    var migrations: PathSetting?
    var datasource: DatasourceSetting?
    var environmentRule: EnvironmentFiles.Rule

    /// Which values the caller has from elsewhere, so that an unreadable one is not an error.
    struct Needs {
        var schema = true
        var migrations = true
        var databaseURL = true
    }

    static func read(path: String, text: String, needs: Needs) throws(PrismaProjectError) -> PrismaConfigFile {
        let module = try JSModule(source: SourceText(file: path, text: text))
        guard let exportStart = module.defaultExport else { throw .configHasNoDefaultExport(path: path) }
        let exported = try JSExpressionReader.read(module, at: exportStart)
        guard case .object(let root) = exported.value else {
            throw .configValueNotStatic(
                key: "export default", found: exported.value.description, location: exported.location,
                flag: "--schema, --migrations and --database-url")
        }
        let directory = ProjectPath.directory(of: path)
        var config = PrismaConfigFile(path: path, environmentRule: module.environmentRule)
        config.schema = try pathSetting(root, key: "schema", directory: directory, flag: "--schema", needed: needs.schema)
        if let migrations = try object(root, key: "migrations", flag: "--migrations", needed: needs.migrations) {
            config.migrations = try pathSetting(
                migrations, key: "path", shownAs: "migrations.path", directory: directory, flag: "--migrations",
                needed: needs.migrations)
        }
        if needs.databaseURL {
            try refuseDriverAdapter(root)
        }
        if let datasource = try object(root, key: "datasource", flag: "--database-url", needed: needs.databaseURL),
            case .found(let node) = root.lookup("datasource")
        {
            config.datasource = DatasourceSetting(
                location: node.location,
                url: try connectionValue(datasource, key: "url", needed: needs.databaseURL),
                directUrl: try connectionValue(datasource, key: "directUrl", needed: needs.databaseURL),
                // Deploy never uses the shadow database: an unreadable one is not worth stopping for.
                shadowDatabaseUrl: try? connectionValue(datasource, key: "shadowDatabaseUrl", needed: false))
        }
        return config
    }

    /// Prisma 6's `engine: 'js'` + `adapter`, and the early `migrate: { adapter }`, connect through a
    /// JavaScript function: no URL to read.
    private static func refuseDriverAdapter(_ root: StaticObject) throws(PrismaProjectError) {
        var adapter: StaticNode?
        if case .found(let node) = root.lookup("adapter") { adapter = node }
        if case .found(let migrate) = root.lookup("migrate"), case .object(let object) = migrate.value,
            case .found(let node) = object.lookup("adapter")
        {
            adapter = node
        }
        if let adapter {
            throw .configValueNotStatic(
                key: "adapter", found: "a driver adapter (\(adapter.value.description)) that Prisma calls to connect",
                location: adapter.location, flag: "--database-url")
        }
    }

    private static func object(
        _ parent: StaticObject, key: String, flag: String, needed: Bool
    ) throws(PrismaProjectError) -> StaticObject? {
        switch parent.lookup(key) {
        case .absent: return nil
        case .found(let node):
            switch node.value {
            case .object(let object): return object
            case .other("undefined"): return nil
            case .notStatic(let found) where needed:
                throw .configValueNotStatic(key: key, found: found, location: node.location, flag: flag)
            case .notStatic: return nil
            default: throw .wrongValueType(key: key, expected: "an object", location: node.location)
            }
        case .hiddenBySpread(let spread):
            guard needed else { return nil }
            throw .configValueNotStatic(
                key: key, found: "possibly set by a spread (\(spread.value.description))", location: spread.location, flag: flag)
        }
    }

    private static func pathSetting(
        _ parent: StaticObject, key: String, shownAs: String? = nil, directory: String, flag: String, needed: Bool
    ) throws(PrismaProjectError) -> PathSetting? {
        let shown = shownAs ?? key
        switch parent.lookup(key) {
        case .absent: return nil
        case .found(let node):
            switch node.value {
            case .string(let text) where !text.isEmpty:
                return PathSetting(path: ProjectPath.resolve(text, against: directory), location: node.location)
            case .string, .other("undefined"): return nil  // Prisma treats an empty path as unset
            case .notStatic(let found) where needed:
                throw .configValueNotStatic(key: shown, found: found, location: node.location, flag: flag)
            case .environment(let variable, _) where needed:
                throw .configValueNotStatic(
                    key: shown, found: "read from the environment (\(variable))", location: node.location, flag: flag)
            case .notStatic, .environment: return nil
            default: throw .wrongValueType(key: shown, expected: "a string", location: node.location)
            }
        case .hiddenBySpread(let spread):
            guard needed else { return nil }
            throw .configValueNotStatic(
                key: shown, found: "possibly set by a spread (\(spread.value.description))", location: spread.location, flag: flag)
        }
    }

    private static func connectionValue(
        _ datasource: StaticObject, key: String, needed: Bool
    ) throws(PrismaProjectError) -> ConnectionValue? {
        let shown = "datasource.\(key)"
        switch datasource.lookup(key) {
        case .absent: return nil
        case .found(let node):
            switch node.value {
            case .string(let text):
                return ConnectionValue(source: .literal(text), key: shown, location: node.location)
            case .environment(let variable, let emptyMeansUnset):
                return ConnectionValue(
                    source: .environment(variable: variable), key: shown, location: node.location, emptyMeansUnset: emptyMeansUnset)
            case .other("undefined"): return nil
            case .notStatic(let found) where needed:
                throw .configValueNotStatic(key: shown, found: found, location: node.location, flag: "--database-url")
            case .notStatic: return nil
            default: throw .wrongValueType(key: shown, expected: "a string", location: node.location)
            }
        case .hiddenBySpread(let spread):
            guard needed else { return nil }
            throw .configValueNotStatic(
                key: shown, found: "possibly set by a spread (\(spread.value.description))", location: spread.location,
                flag: "--database-url")
        }
    }
}
