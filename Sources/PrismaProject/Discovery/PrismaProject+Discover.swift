extension PrismaProject {
    /// Finds the Prisma project in `workingDirectory` the way `prisma migrate deploy` does:
    ///
    /// 1. the schema: `--schema` (`schemaFlag`, against the working directory); else `schema` in
    ///    `prisma.config.*` (against the config's folder); else `"prisma": { "schema" }` in the
    ///    nearest `package.json` (Prisma ≤ 6, against its folder); else `schema.prisma`,
    ///    `prisma/schema.prisma`, then a `prisma/schema/` folder (Prisma ≤ 6.5's multi-file
    ///    default) in the config's folder or the working directory;
    /// 2. the datasource: the one `datasource` block of the schema (provider `postgresql` or
    ///    `postgres`), whose URLs `prisma.config.*`'s `datasource` replaces when present;
    /// 3. the migrations folder: `migrationsFlag`; else `migrations.path` in the config; else
    ///    `migrations` beside the schema (see `MigrationsLocation.Origin`).
    ///
    /// A value the caller already has (`schemaFlag`, `migrationsFlag`, `databaseURLGiven`) is not
    /// needed from the config, so a config that computes it is not an error then.
    /// `workingDirectory` should be absolute: `package.json` is looked for in the folders above it.
    public static func discover(
        workingDirectory: String, schemaFlag: String? = nil, migrationsFlag: String? = nil, databaseURLGiven: Bool = false,
        fileSystem: any ProjectFileSystem = LocalProjectFileSystem()
    ) throws(PrismaProjectError) -> PrismaProject {
        let discovery = Discovery(workingDirectory: ProjectPath.normalize(workingDirectory), fileSystem: fileSystem)
        return try discovery.run(schemaFlag: schemaFlag, migrationsFlag: migrationsFlag, databaseURLGiven: databaseURLGiven)
    }
}

private struct Discovery {
    let workingDirectory: String
    let fileSystem: any ProjectFileSystem

    /// c12's order for `name: 'prisma'` (Prisma's `SUPPORTED_EXTENSIONS` and its precedence tests
    /// in `packages/config/src/__tests__/loadConfigFromFile.test.ts`).
    static let configExtensions = ["js", "ts", "mjs", "cjs", "mts", "cts"]

    func run(schemaFlag: String?, migrationsFlag: String?, databaseURLGiven: Bool) throws(PrismaProjectError) -> PrismaProject {
        var config: PrismaConfigFile?
        if let configPath = try findConfigFile() {
            let needs = PrismaConfigFile.Needs(
                schema: schemaFlag == nil, migrations: migrationsFlag == nil, databaseURL: !databaseURLGiven)
            config = try PrismaConfigFile.read(path: configPath, text: try read(configPath), needs: needs)
        }
        let schema = try findSchema(flag: schemaFlag, config: config)
        let schemaFiles = files(of: schema)
        let block = try datasourceBlock(in: schemaFiles)
        let datasource = try makeDatasource(block, config: config, databaseURLGiven: databaseURLGiven)
        let migrations = migrationsLocation(flag: migrationsFlag, config: config, schema: schema, block: block)
        let environment = config.map { configFile -> EnvironmentFiles in
            if case .configImportsDotenv = configFile.environmentRule {
                // dotenv's default path: `.env` in the process's working directory.
                return EnvironmentFiles(paths: existing([ProjectPath.join(workingDirectory, ".env")]), rule: configFile.environmentRule)
            }
            return EnvironmentFiles(paths: [], rule: configFile.environmentRule)
        }
        return PrismaProject(
            schema: schema, migrations: migrations, datasource: datasource, configFile: config?.path,
            environmentFiles: environment ?? prismaDefaultEnvironmentFiles(schemaFlag: schemaFlag))
    }

    // MARK: Files

    private func read(_ path: String) throws(PrismaProjectError) -> String {
        do {
            return try fileSystem.contents(of: path)
        } catch {
            throw .unreadableFile(path: path, reason: error.reason)
        }
    }

    private func existing(_ paths: [String]) -> [String] { paths.filter { fileSystem.kind(of: $0) == .file } }

    private func findConfigFile() throws(PrismaProjectError) -> String? {
        for name in Self.configExtensions.map({ "prisma.config.\($0)" }) {
            let path = ProjectPath.join(workingDirectory, name)
            if fileSystem.kind(of: path) == .file { return path }
        }
        for name in ["prisma.config.json", "prisma.config.jsonc"] {
            let path = ProjectPath.join(workingDirectory, name)
            if fileSystem.kind(of: path) == .file { throw .unsupportedConfigExtension(path: path) }
        }
        for name in Self.configExtensions.map({ ".config/prisma.\($0)" }) {
            let path = ProjectPath.join(workingDirectory, name)
            if fileSystem.kind(of: path) == .file { return path }
        }
        return nil
    }

    private func nearestPackageJSON() throws(PrismaProjectError) -> PackageJSON? {
        for folder in PackageJSON.folders(upFrom: workingDirectory) {
            let path = ProjectPath.join(folder, "package.json")
            if fileSystem.kind(of: path) == .file { return try PackageJSON.read(path: path, text: try read(path)) }
        }
        return nil
    }

    // MARK: Schema

    private func findSchema(flag: String?, config: PrismaConfigFile?) throws(PrismaProjectError) -> SchemaLocation {
        if let flag {
            return try schema(at: ProjectPath.resolve(flag, against: workingDirectory), origin: .flag)
        }
        if let setting = config?.schema {
            return try schema(at: setting.path, origin: .config(setting.location))
        }
        if let package = try nearestPackageJSON(), let node = package.prismaSchema {
            guard case .string(let text) = node.value else {
                throw .wrongValueType(key: "prisma.schema", expected: "a string", location: node.location)
            }
            let path = ProjectPath.resolve(text, against: ProjectPath.directory(of: package.path))
            return try schema(at: path, origin: .packageJSON(node.location))
        }
        // Prisma 7 looks in the config file's folder (`configDir` in packages/cli/src/bin.ts).
        let base = config.map { ProjectPath.directory(of: $0.path) } ?? workingDirectory
        let candidates = [ProjectPath.join(base, "schema.prisma"), ProjectPath.join(base, "prisma/schema.prisma")]
        for candidate in candidates where fileSystem.kind(of: candidate) == .file {
            return SchemaLocation(path: candidate, kind: .file, origin: .defaultPlace)
        }
        let folder = ProjectPath.join(base, "prisma/schema")
        if fileSystem.kind(of: folder) == .directory {
            return try schema(at: folder, origin: .defaultPlace)
        }
        throw .schemaNotFound(checked: candidates + [folder + "/"])
    }

    private func schema(at path: String, origin: SchemaLocation.Origin) throws(PrismaProjectError) -> SchemaLocation {
        switch fileSystem.kind(of: path) {
        case .file: return SchemaLocation(path: path, kind: .file, origin: origin)
        case .directory:
            let files = try prismaFiles(under: path, depth: 0)
            guard !files.isEmpty else { throw .emptySchemaFolder(path: path) }
            return SchemaLocation(path: path, kind: .folder(files: files), origin: origin)
        default: throw .schemaPathNotFound(path: path, origin: origin)
        }
    }

    /// Every `*.prisma` file under `folder`, recursively, sorted (Prisma's `loadSchemaFiles`,
    /// packages/schema-files-loader; it follows symlinks, so depth is capped against loops).
    private func prismaFiles(under folder: String, depth: Int) throws(PrismaProjectError) -> [String] {
        guard depth < 32 else { return [] }
        let names: [String]
        do {
            names = try fileSystem.entries(of: folder)
        } catch {
            throw .unreadableFile(path: folder, reason: error.reason)
        }
        var files: [String] = []
        for name in names.sorted() {
            let path = ProjectPath.join(folder, name)
            switch fileSystem.kind(of: path) {
            case .file where name.hasSuffix(".prisma"): files.append(path)
            case .directory: files += try prismaFiles(under: path, depth: depth + 1)
            default: break
            }
        }
        return files
    }

    private func files(of schema: SchemaLocation) -> [String] {
        switch schema.kind {
        case .file: return [schema.path]
        case .folder(let files): return files
        }
    }

    // MARK: Datasource

    private func datasourceBlock(in files: [String]) throws(PrismaProjectError) -> (block: SchemaDatasourceBlock, file: String) {
        var found: (block: SchemaDatasourceBlock, file: String)?
        for file in files {
            for block in try SchemaDatasourceReader.datasources(file: file, text: try read(file)) {
                if let first = found { throw .multipleDatasources(first: first.block.location, second: block.location) }
                found = (block, file)
            }
        }
        guard let found else { throw .noDatasource(schemaFiles: files) }
        return found
    }

    private func makeDatasource(
        _ found: (block: SchemaDatasourceBlock, file: String), config: PrismaConfigFile?, databaseURLGiven: Bool
    ) throws(PrismaProjectError) -> Datasource {
        let block = found.block
        guard let provider = block.properties["provider"] else { throw .missingProvider(datasource: block.location) }
        guard case .string(let providerName) = provider.value else {
            throw .datasourceValueNotReadable(key: "provider", found: describe(provider.value), location: provider.location)
        }
        // prisma-engines `PostgresDatamodelConnector::is_provider`: ["postgresql", "postgres"].
        guard providerName == "postgresql" || providerName == "postgres" else {
            throw .unsupportedProvider(provider: providerName, location: provider.location)
        }
        var schemas: [String] = []
        if case .list(let names)? = block.properties["schemas"]?.value { schemas = names }
        var datasource = Datasource(
            provider: providerName, name: block.name, location: block.location, urlOrigin: .schema, url: nil, directUrl: nil,
            shadowDatabaseUrl: nil, schemas: schemas)
        if let setting = config?.datasource {
            datasource.urlOrigin = .config
            datasource.url = setting.url
            datasource.directUrl = setting.directUrl
            datasource.shadowDatabaseUrl = setting.shadowDatabaseUrl
        } else {
            datasource.url = try schemaValue(block, "url", needed: !databaseURLGiven)
            datasource.directUrl = try schemaValue(block, "directUrl", needed: !databaseURLGiven)
            datasource.shadowDatabaseUrl = try? schemaValue(block, "shadowDatabaseUrl", needed: false)
        }
        return datasource
    }

    private func schemaValue(_ block: SchemaDatasourceBlock, _ key: String, needed: Bool) throws(PrismaProjectError) -> ConnectionValue? {
        guard let property = block.properties[key] else { return nil }
        switch property.value {
        case .string(let text): return ConnectionValue(source: .literal(text), key: key, location: property.location)
        case .environment(let variable):
            return ConnectionValue(source: .environment(variable: variable), key: key, location: property.location)
        default:
            guard needed else { return nil }
            throw .datasourceValueNotReadable(key: key, found: describe(property.value), location: property.location)
        }
    }

    private func describe(_ value: SchemaDatasourceBlock.Value) -> String {
        switch value {
        case .string: return "a string"
        case .environment(let variable): return "env(\"\(variable)\")"
        case .list: return "a list"
        case .other(let text): return text
        }
    }

    // MARK: Migrations and .env

    private func migrationsLocation(
        flag: String?, config: PrismaConfigFile?, schema: SchemaLocation, block: (block: SchemaDatasourceBlock, file: String)
    ) -> MigrationsLocation {
        if let flag { return MigrationsLocation(path: ProjectPath.resolve(flag, against: workingDirectory), origin: .flag) }
        if let setting = config?.migrations { return MigrationsLocation(path: setting.path, origin: .config(setting.location)) }
        switch schema.kind {
        case .file:
            return MigrationsLocation(path: ProjectPath.join(ProjectPath.directory(of: schema.path), "migrations"), origin: .besideSchema)
        case .folder:
            // Prisma 6 (`inferDirectoryConfig`, 6.19.x) puts them beside the file holding the
            // datasource; Prisma 7 (7.9.x) in the schema folder. A URL in the schema block means
            // Prisma ≤ 6: Prisma 7 refuses `url` there (P1012).
            let schemaNamesURL = block.block.properties["url"] != nil || block.block.properties["directUrl"] != nil
            let datasourceFolder = ProjectPath.directory(of: block.file)
            if schemaNamesURL && config?.datasource == nil && datasourceFolder != schema.path {
                return MigrationsLocation(
                    path: ProjectPath.join(datasourceFolder, "migrations"), origin: .besideDatasourceFile(block.file))
            }
            return MigrationsLocation(path: ProjectPath.join(schema.path, "migrations"), origin: .besideSchema)
        }
    }

    /// Prisma ≤ 6 without a config file (`getEnvPaths.ts`): the root `.env` beside the nearest
    /// `package.json` not named `.prisma/client`, then the first existing of `<dir of --schema>/.env`,
    /// `./prisma/.env`, `./.env`. (The package.json `prisma.schema` candidate is in the code but never
    /// returned there, so it is not listed here either.)
    private func prismaDefaultEnvironmentFiles(schemaFlag: String?) -> EnvironmentFiles {
        var paths: [String] = []
        for folder in PackageJSON.folders(upFrom: workingDirectory) {
            let packagePath = ProjectPath.join(folder, "package.json")
            guard fileSystem.kind(of: packagePath) == .file else { continue }
            // Prisma skips a package.json it cannot parse and the generated client's own.
            guard let text = try? read(packagePath), let package = try? PackageJSON.read(path: packagePath, text: text),
                package.name != ".prisma/client"
            else { continue }
            paths += existing([ProjectPath.join(folder, ".env")])
            break
        }
        var schemaCandidates: [String] = []
        if let schemaFlag {
            schemaCandidates.append(
                ProjectPath.join(ProjectPath.directory(of: ProjectPath.resolve(schemaFlag, against: workingDirectory)), ".env"))
        }
        schemaCandidates += [ProjectPath.join(workingDirectory, "prisma/.env"), ProjectPath.join(workingDirectory, ".env")]
        if let schemaFile = existing(schemaCandidates).first, !paths.contains(schemaFile) { paths.append(schemaFile) }
        return EnvironmentFiles(paths: paths, rule: .prismaDefaults)
    }
}
