import PlanModel
import Runner

/// The `<name>` of `<UTC YYYYMMDDHHMMSS>_<name>`, checked as Prisma's `migrate dev --name` would
/// leave it: spaces and dashes become underscores; what remains must be letters, digits and
/// underscores (a name that is also a safe folder name everywhere), and the whole directory name
/// at most 200 bytes (Prisma's P3010; `migration_name` is VARCHAR(255)).
enum MigrationName {
    static let maximumDirectoryNameBytes = 200
    static let timestampLength = 14

    static func normalised(_ name: String) throws(StepFailure) -> String {
        let trimmed = name.trimmingWhitespace()
        let normalised = String(trimmed.map { $0 == " " || $0 == "-" ? "_" : $0 })
        guard !normalised.isEmpty else {
            throw StepFailure("the generate step's `name:` is empty: give the migration a name, e.g. add_memories_embedding_index")
        }
        if let bad = normalised.first(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_")) }) {
            throw StepFailure(
                "the generate step's name \"\(name)\" contains \"\(bad)\": a migration name may hold only letters, digits and underscores (spaces and dashes become underscores)"
            )
        }
        let directoryBytes = timestampLength + 1 + normalised.utf8.count
        guard directoryBytes <= maximumDirectoryNameBytes else {
            throw StepFailure(
                "the generate step's name is \(normalised.utf8.count) bytes; with its timestamp the migration directory would be \(directoryBytes) bytes, over Prisma's limit of \(maximumDirectoryNameBytes) (P3010): shorten it"
            )
        }
        return normalised
    }

    /// Whether `directory` is a generated migration of this name: 14 digits, `_`, the name.
    static func matches(_ directory: String, name: String) -> Bool {
        let prefix = directory.utf8.prefix(timestampLength)
        return directory.utf8.count == timestampLength + 1 + name.utf8.count
            && prefix.count == timestampLength && prefix.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            && directory.hasSuffix("_" + name)
    }
}
