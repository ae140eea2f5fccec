import FoundationEssentials
import Glibc
public import PlanModel
public import Runner

/// One migration on disk: `<folder>/<name>/migration.sql`.
public struct LocalMigration: Sendable, Equatable {
    public let name: String
    public let directory: String
    /// The exact bytes of migration.sql, or nil when the directory has none (Prisma's P3015).
    public let script: [UInt8]?
    /// Prisma's checksum of `script`, computed once: a run compares it with the history in
    /// several places (migrate, verify, status).
    public let checksum: String?

    public init(name: String, directory: String, script: [UInt8]?) {
        self.name = name
        self.directory = directory
        self.script = script
        checksum = script.map(MigrationChecksum.of)
    }

    public var scriptPath: String { directory + "/migration.sql" }
}

/// A Prisma-layout migrations folder, listed as Prisma lists it: directories directly under the
/// folder (files other than migration_lock.toml ignored), sorted by name.
public struct MigrationFolder: Sendable {
    public var path: String
    /// In byte order of their names, the order they apply in (HistoryDiagnosis relies on it).
    public private(set) var migrations: [LocalMigration]
    /// Things worth saying that do not stop a run (e.g. an order Prisma ≥ 6.6 would see differently).
    public var warnings: [String]
    /// False when the folder does not exist (Prisma reads that as an empty history).
    public var exists = true

    /// Largest migration.sql read into memory; bigger files are refused with a clear error.
    public static let maximumScriptSize = 256 * 1024 * 1024

    public static func load(_ path: String) throws(MigrationError) -> MigrationFolder {
        let manager = FileManager.default
        var isDirectory = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            // Prisma treats a missing folder as an empty history; the steps that apply or
            // compare a history refuse it unless told it is expected (`emptinessProblem`).
            return MigrationFolder(path: path, migrations: [], warnings: [], exists: false)
        }
        guard isDirectory else { throw .notAFolder(path) }
        try checkLockFile(in: path)

        var names: [String] = []
        do {
            // A symlink to a directory does not count, as for Prisma (Node's Dirent.isDirectory).
            for entry in try Self.entries(of: path) where entry.isDirectory { names.append(entry.name) }
        } catch {
            throw .unreadable(path: path, reason: String(cString: strerror(error.code)))
        }
        names.sort(by: Self.bytewisePrecedes)

        var migrations: [LocalMigration] = []
        migrations.reserveCapacity(names.count)
        for name in names {
            let directory = path + "/" + name
            migrations.append(LocalMigration(name: name, directory: directory, script: try readScript(directory + "/migration.sql")))
        }
        var warnings: [String] = []
        // The orders agree when every name precedes the next one in both: n - 1 comparisons, most
        // settled by the first digits that differ. Only a disagreement pays for the full sort.
        if zip(names, names.dropFirst()).contains(where: { LocaleCollation.precedes($1, $0) }),
            let first = zip(names, LocaleCollation.sorted(names)).first(where: { $0 != $1 })
        {
            warnings.append(
                "migrations are applied in byte order of their names, but Prisma 6.6+ sorts with localeCompare "
                    + "and would see '\(first.1)' where plan sees '\(first.0)': rename them so both orders agree")
        }
        return MigrationFolder(path: path, migrations: migrations, warnings: warnings)
    }

    /// A missing or empty folder is far more often a wrong path (a typo, a run from the wrong
    /// directory, a schema elsewhere) than a project with no migrations: it is an invalid
    /// invocation (exit 2) that says which path and how it was chosen.
    public func emptinessProblem(chosenBy origin: String) -> StepFailure? {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let what = exists ? "has no migrations (no <name>/migration.sql folders)" : "does not exist"
        guard !exists || migrations.isEmpty else { return nil }
        return StepFailure(
            "the migrations folder \(absolute) \(what); it was chosen by \(origin). "
                + "Point to the right one (--migrations, --schema or the plan's settings.migrations), "
                + "or say an empty history is expected (--allow-empty, or `allow_empty: true` on the step)",
            exitCode: ExitStatus.invalidInput)
    }

    /// Byte order of the names' UTF-8, as Prisma before 6.6 sorted them, compared in place.
    static func bytewisePrecedes(_ a: String, _ b: String) -> Bool {
        bytewiseOrder(a, b) < 0
    }

    /// Negative, zero or positive as `a`'s UTF-8 bytes sort before, equal or after `b`'s: the
    /// names' order and Prisma's notion of the same name (exact, with no Unicode equivalence).
    static func bytewiseOrder(_ a: String, _ b: String) -> Int {
        let compared = a.utf8.withContiguousStorageIfAvailable { left in
            b.utf8.withContiguousStorageIfAvailable { right -> Int in
                let common = min(left.count, right.count)
                let order = common == 0 ? 0 : memcmp(left.baseAddress!, right.baseAddress!, common)
                return order != 0 ? Int(order) : left.count - right.count
            }
        }
        if let compared = compared ?? nil { return compared }
        if a.utf8.elementsEqual(b.utf8) { return 0 }
        return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
    }

    /// The position of the migration named `name`: `guess` first (histories are mostly in folder
    /// order), then a binary search of the byte-ordered names. No hashing: a nothing-pending run
    /// matches every row of a long history twice (migrate, then verify).
    func position(of name: String, guess: Int) -> Int? {
        if guess < migrations.count, Self.bytewiseOrder(migrations[guess].name, name) == 0 { return guess }
        var low = 0
        var high = migrations.count
        while low < high {
            let middle = (low + high) / 2
            let order = Self.bytewiseOrder(migrations[middle].name, name)
            if order == 0 { return middle }
            if order < 0 { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    public func migration(named name: String) -> LocalMigration? {
        position(of: name, guess: 0).map { migrations[$0] }
    }

    /// The bounded read plan files get too: /dev/zero, FIFOs and /proc files report 0 bytes in
    /// stat and are not read without end.
    private static func readScript(_ path: String) throws(MigrationError) -> [UInt8]? {
        do throws(FileReadError) {
            return try LocalFileSystem().read(path, limit: maximumScriptSize)
        } catch {
            switch error {
            case .notFound:
                return nil
            case .tooLarge:
                throw .unreadable(path: path, reason: "the file is over \(maximumScriptSize / 1_048_576) MB; larger migrations are refused")
            case .unreadable(let reason):
                throw .unreadable(path: path, reason: reason)
            case .outsideRoot(let real):
                throw .unreadable(
                    path: path,
                    reason: "it leads to \(real), outside the project root; run with --root DIR or --allow-outside-root to read it")
            }
        }
    }

    private struct DirectoryError: Error { var code: Int32 }

    /// The folder's entries, each marked a directory or not without following links. readdir's
    /// d_type answers without a stat per entry (the file system may leave it unknown: then lstat),
    /// which was a sixth of a nothing-pending run over 500 migrations.
    private static func entries(of path: String) throws(DirectoryError) -> [(name: String, isDirectory: Bool)] {
        guard let directory = opendir(path) else { throw DirectoryError(code: errno) }
        defer { closedir(directory) }
        var entries: [(name: String, isDirectory: Bool)] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let type = entry.pointee.d_type
            let isDirectory = type == DT_UNKNOWN ? isDirectoryNotFollowingLinks(path + "/" + name) : type == DT_DIR
            entries.append((name, isDirectory))
        }
        return entries
    }

    private static func isDirectoryNotFollowingLinks(_ path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        return info.st_mode & S_IFMT == S_IFDIR
    }

    /// migration_lock.toml: Prisma takes the first line starting with `provider` (P3019 on mismatch).
    private static func checkLockFile(in folder: String) throws(MigrationError) {
        let path = folder + "/migration_lock.toml"
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let text = String(decoding: data, as: UTF8.self)
        guard let line = text.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("provider") }) else { return }
        var value = line.dropFirst("provider".count).trimmingSpaces()
        if value.hasPrefix("=") { value = value.dropFirst().trimmingSpaces() }
        var provider = Substring(value)
        while provider.hasPrefix("\"") { provider.removeFirst() }
        while provider.hasSuffix("\"") { provider.removeLast() }
        guard provider == "postgresql" || provider == "postgres" else {
            throw .wrongProvider(path: path, provider: String(provider))
        }
    }
}

/// An approximation of ICU root collation (what JavaScript's localeCompare uses) good enough to
/// notice when it and byte order disagree: punctuation before digits before letters, letters
/// compared without case first, lowercase before uppercase only to break ties.
enum LocaleCollation {
    /// `Key(a).precedes(Key(b))`, weighing scalars only until the first difference.
    static func precedes(_ a: String, _ b: String) -> Bool {
        if let order = firstDifference(a, b, LocaleCollation.primaryWeight) { return order }
        return firstDifference(a, b, LocaleCollation.tertiaryWeight) ?? false
    }

    /// Whether `a` sorts before `b` by `weight`, or nil when their weights are equal throughout.
    private static func firstDifference(_ a: String, _ b: String, _ weight: (Unicode.Scalar) -> UInt32) -> Bool? {
        var left = a.unicodeScalars.makeIterator()
        var right = b.unicodeScalars.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return nil
            case (nil, _): return true
            case (_, nil): return false
            case (let x?, let y?):
                let (wx, wy) = (weight(x), weight(y))
                if wx != wy { return wx < wy }
            }
        }
    }

    /// `names` sorted by `precedes`, each name's weights computed once rather than at every
    /// comparison (the per-comparison version cost 40 M instructions on 500 names).
    static func sorted(_ names: [String]) -> [String] {
        names.map { (Key($0), $0) }.sorted { $0.0.precedes($1.0) }.map(\.1)
    }

    struct Key {
        let primary: [UInt32]
        let tertiary: [UInt32]

        init(_ text: String) {
            primary = text.unicodeScalars.map(LocaleCollation.primaryWeight)
            tertiary = text.unicodeScalars.map(LocaleCollation.tertiaryWeight)
        }

        func precedes(_ other: Key) -> Bool {
            if primary != other.primary { return primary.lexicographicallyPrecedes(other.primary) }
            return tertiary.lexicographicallyPrecedes(other.tertiary)
        }
    }

    private static func primaryWeight(_ scalar: Unicode.Scalar) -> UInt32 {
        // ASCII (every real migration name) without Unicode property lookups, which allocate a
        // String per scalar for the lowercase mapping; same weights as the general path below.
        if scalar.isASCII {
            let value = scalar.value
            switch value {
            case 0x09...0x0D, 0x20: return value
            case 0x30...0x39: return 0x10000 + value - 0x30
            case 0x41...0x5A: return 0x20000 + value + 0x20
            case 0x61...0x7A: return 0x20000 + value
            default: return 0x100 + value
            }
        }
        let properties = scalar.properties
        if properties.isWhitespace { return scalar.value }
        if properties.numericType != nil, let digit = properties.numericValue { return 0x10000 + UInt32(digit) }
        if properties.isAlphabetic {
            let lower = properties.lowercaseMapping.unicodeScalars.first?.value ?? scalar.value
            return 0x20000 + lower
        }
        return 0x100 + scalar.value
    }

    private static func tertiaryWeight(_ scalar: Unicode.Scalar) -> UInt32 {
        if scalar.isASCII { return (0x41...0x5A).contains(scalar.value) ? 1 : 0 }
        return scalar.properties.isUppercase ? 1 : 0
    }

    /// The general path alone, for tests of the ASCII fast path.
    static func unicodeWeights(_ scalar: Unicode.Scalar) -> (primary: UInt32, tertiary: UInt32) {
        let properties = scalar.properties
        let primary: UInt32
        if properties.isWhitespace {
            primary = scalar.value
        } else if properties.numericType != nil, let digit = properties.numericValue {
            primary = 0x10000 + UInt32(digit)
        } else if properties.isAlphabetic {
            primary = 0x20000 + (properties.lowercaseMapping.unicodeScalars.first?.value ?? scalar.value)
        } else {
            primary = 0x100 + scalar.value
        }
        return (primary, properties.isUppercase ? 1 : 0)
    }

    static func weights(_ scalar: Unicode.Scalar) -> (primary: UInt32, tertiary: UInt32) {
        (primaryWeight(scalar), tertiaryWeight(scalar))
    }
}
