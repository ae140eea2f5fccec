/// The nearest `package.json`, read with the config file's tokenizer (JSON is a subset of the
/// JavaScript it reads), so that errors keep their line and column.
struct PackageJSON {
    var path: String
    var name: String?
    /// `"prisma": { "schema": … }` with the value's place.
    var prismaSchema: StaticNode?

    static func read(path: String, text: String) throws(PrismaProjectError) -> PackageJSON {
        let module = try JSModule(source: SourceText(file: path, text: text))
        let root = try JSExpressionReader.read(module, at: 0)
        guard case .object(let object) = root.value else {
            throw .wrongValueType(key: "package.json", expected: "a JSON object", location: root.location)
        }
        var package = PackageJSON(path: path)
        if case .found(let name) = object.lookup("name"), case .string(let text) = name.value { package.name = text }
        if case .found(let prisma) = object.lookup("prisma"), case .object(let settings) = prisma.value,
            case .found(let schema) = settings.lookup("schema")
        {
            package.prismaSchema = schema
        }
        return package
    }

    /// Folders from `directory` up to the root, nearest first (at most 64, for relative paths).
    static func folders(upFrom directory: String) -> [String] {
        var folders = [ProjectPath.normalize(directory)]
        while folders.count < 64, let last = folders.last, last != "/" {
            let parent = ProjectPath.isAbsolute(last) ? ProjectPath.directory(of: last) : ProjectPath.join(last, "..")
            folders.append(parent)
        }
        return folders
    }
}
