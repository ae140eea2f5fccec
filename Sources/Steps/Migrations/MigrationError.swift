/// Why migrations could not be read or applied, with Prisma's error code where one exists so
/// people who know Prisma recognise the situation.
public enum MigrationError: Error, Sendable, Equatable, CustomStringConvertible {
    case notAFolder(String)
    case unreadable(path: String, reason: String)
    case wrongProvider(path: String, provider: String)
    case missingScript(name: String, path: String)
    case unknownMigration(name: String, folder: String)

    public var description: String {
        switch self {
        case .notAFolder(let path):
            "\(path): the migrations path is a file, not a folder; point `migrations:` or --migrations at the folder that holds the migration directories"
        case .unreadable(let path, let reason):
            "\(path): cannot read it: \(reason)"
        case .wrongProvider(let path, let provider):
            "\(path): provider is \"\(provider)\", but plan only applies PostgreSQL migrations (Prisma's P3019)"
        case .missingScript(let name, let path):
            "migration \(name) has no migration.sql at \(path) (Prisma's P3015): restore the file or delete the directory"
        case .unknownMigration(let name, let folder):
            "migration \(name) is not in \(folder) (Prisma's P3017): give the whole directory name, e.g. 20201207184859_initial_migration"
        }
    }
}
