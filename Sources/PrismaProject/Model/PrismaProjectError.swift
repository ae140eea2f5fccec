/// Why a Prisma project could not be read. Each case keeps the file position where there is one;
/// `description` says what is wrong, where, and what to do instead (usually which flag to pass).
public enum PrismaProjectError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No schema in Prisma's default places; `checked` lists them.
    case schemaNotFound(checked: [String])
    /// A schema path given by the flag, the config or package.json does not exist (or is neither
    /// a file nor a folder).
    case schemaPathNotFound(path: String, origin: SchemaLocation.Origin)
    /// A multi-file schema folder without any `*.prisma` file.
    case emptySchemaFolder(path: String)
    case unreadableFile(path: String, reason: String)
    /// `prisma.config.json` / `.jsonc`: Prisma finds them and refuses them too.
    case unsupportedConfigExtension(path: String)
    /// The config file has no `export default` / `module.exports` this reader understands.
    case configHasNoDefaultExport(path: String)
    /// A value the config needs cannot be known without running the file: a call, a variable,
    /// a template with `${…}`, a fallback. `flag` is the command-line option to use instead.
    case configValueNotStatic(key: String, found: String, location: PrismaLocation, flag: String)
    /// A value has the wrong type (`schema: 42`, `"prisma": { "schema": true }`).
    case wrongValueType(key: String, expected: String, location: PrismaLocation)
    /// The file is not valid JavaScript / JSON / Prisma schema where this reader needed it to be.
    case syntax(message: String, location: PrismaLocation)
    case noDatasource(schemaFiles: [String])
    case multipleDatasources(first: PrismaLocation, second: PrismaLocation)
    case missingProvider(datasource: PrismaLocation)
    /// Like Prisma's P3019: plan migrates PostgreSQL only.
    case unsupportedProvider(provider: String, location: PrismaLocation)
    /// A schema datasource value that is neither a string literal nor `env("NAME")`.
    case datasourceValueNotReadable(key: String, found: String, location: PrismaLocation)

    /// Where the problem is, when it is at a place in a file.
    public var location: PrismaLocation? {
        switch self {
        case .configValueNotStatic(_, _, let location, _), .wrongValueType(_, _, let location),
            .syntax(_, let location), .unsupportedProvider(_, let location),
            .datasourceValueNotReadable(_, _, let location):
            return location
        case .multipleDatasources(_, let second): return second
        case .missingProvider(let datasource): return datasource
        case .schemaPathNotFound(_, .config(let location)), .schemaPathNotFound(_, .packageJSON(let location)):
            return location
        default: return nil
        }
    }

    public var description: String {
        let prefix = location.map { "\($0): " } ?? ""
        return prefix + message
    }

    /// The message without the position prefix.
    public var message: String {
        switch self {
        case .schemaNotFound(let checked):
            return "no Prisma schema found; checked \(checked.joined(separator: ", ")). "
                + "Pass --schema PATH (a schema file or a multi-file schema folder), or set `schema` in prisma.config.ts."
        case .schemaPathNotFound(let path, let origin):
            let source: String
            switch origin {
            case .flag: source = "--schema"
            case .config: source = "`schema` in the Prisma config file"
            case .packageJSON: source = "`prisma.schema` in package.json"
            case .defaultPlace: source = "the default place"
            }
            return "the Prisma schema \(path) named by \(source) does not exist (expected a file or a folder)"
        case .emptySchemaFolder(let path):
            return "the schema folder \(path) holds no *.prisma file; pass --schema with the schema file or folder"
        case .unreadableFile(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .unsupportedConfigExtension(let path):
            return "\(path): Prisma does not accept a config file with this extension "
                + "(use prisma.config.ts, .mts, .cts, .js, .mjs or .cjs), and neither does plan"
        case .configHasNoDefaultExport(let path):
            return "\(path) has no `export default defineConfig({ … })` (or `export default { … }`, "
                + "`module.exports = …`) that plan can read; pass --schema, --migrations and --database-url instead"
        case .configValueNotStatic(let key, let found, _, let flag):
            return "cannot read `\(key)` without running the config file: it is \(found). "
                + "plan reads only string literals, env('NAME') and process.env.NAME here; pass \(flag) instead"
        case .wrongValueType(let key, let expected, _):
            return "`\(key)` must be \(expected)"
        case .syntax(let message, _):
            return message
        case .noDatasource(let files):
            return "no `datasource` block in \(files.joined(separator: ", ")); prisma migrate needs one"
        case .multipleDatasources(let first, _):
            return "a second `datasource` block (the first is at \(first)); Prisma allows one"
        case .missingProvider:
            return "the datasource block has no `provider`"
        case .unsupportedProvider(let provider, _):
            return "the datasource provider is `\(provider)`; plan migrates PostgreSQL only "
                + "(`provider = \"postgresql\"`), as Prisma's P3019 refuses a history made for another provider"
        case .datasourceValueNotReadable(let key, let found, _):
            return "`\(key)` is \(found); Prisma accepts a string literal or env(\"NAME\") here"
        }
    }
}
