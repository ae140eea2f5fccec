public import FoundationEssentials
import Glibc
public import PlanModel
public import Runner

/// `generate`: write a new migration `<UTC YYYYMMDDHHMMSS>_<name>/migration.sql`, like
/// `prisma migrate dev --create-only`. Files only; no database.
///
/// Idempotent by name and content, so a plan can keep the step and be re-run: a migration of the
/// same name with the same SQL means there is nothing to do; with different SQL the step fails
/// rather than overwrite what may already be applied somewhere.
public struct GenerateRunner: StepRunner {
    /// Writes files only.
    public var connectsToTheDatabase: Bool { false }

    public let step: GenerateStep
    /// For a `.step(id)` source: the SQL that step would run, resolved by whoever builds the plan's
    /// runners (e.g. an index-concurrently step's CREATE INDEX statement).
    public let stepSQL: String?
    /// The clock for the timestamp; injectable so tests can pin it.
    public let now: @Sendable () -> Date
    /// Folders this run has read: this step adds a migration, so they are read again after it.
    let folders: MigrationFolderCache

    public init(
        _ step: GenerateStep, stepSQL: String? = nil, now: @escaping @Sendable () -> Date = { Date() },
        folders: MigrationFolderCache = MigrationFolderCache()
    ) {
        self.step = step
        self.stepSQL = stepSQL
        self.now = now
        self.folders = folders
    }

    /// The migration to write, decided when planning.
    public struct Work: Sendable {
        fileprivate var write: WritePlan
    }

    public func plan(_ context: StepContext) throws(StepFailure) -> StepPlan<Work> {
        var plan = StepPlan<Work>(changes: [.folder(step.migrations)])
        let write: WritePlan
        do throws(StepFailure) { write = try makePlan() } catch {
            plan.fail(error)
            return plan
        }
        switch write.existing {
        case .identical(let path):
            plan.nothingToDo = "already generated: \(path) has this SQL; nothing to write"
        case .different(let path):
            plan.fail(StepFailure(Self.conflictMessage(path), location: path))
        case nil:
            let lockFile = write.needsLockFile ? ", and \(write.lockFilePath) (provider = \"postgresql\")" : ""
            plan.act(
                "write \(write.scriptPath)\(lockFile)", sql: String(decoding: write.contents, as: UTF8.self), Work(write: write))
        }
        return plan
    }

    public func perform(_ work: Work, _ context: StepContext) throws(StepFailure) {
        try write(work.write)
        folders.forget()
    }

    // MARK: - Planning

    fileprivate enum Existing: Sendable {
        case identical(String)
        case different(String)
    }

    fileprivate struct WritePlan: Sendable {
        var directory: String
        var contents: [UInt8]
        var existing: Existing?
        var needsLockFile: Bool
        var lockFilePath: String
        var scriptPath: String { directory + "/migration.sql" }
    }

    private func makePlan() throws(StepFailure) -> WritePlan {
        let name = try MigrationName.normalised(step.name)
        let contents = try sourceBytes()
        let folder = step.migrations
        if let root = ProjectRoot.processWide, let real = root.escape(of: folder) {
            throw StepFailure(
                "the generate step's migrations folder \(folder) leads to \(real), outside the project root \(root): run with --root DIR or --allow-outside-root to write there"
            )
        }
        let manager = FileManager.default
        var isDirectory = false
        let folderExists = manager.fileExists(atPath: folder, isDirectory: &isDirectory)
        if folderExists, !isDirectory {
            throw StepFailure("\(folder) is a file, not a folder: point the generate step's `migrations:` at the migrations folder")
        }
        var existing: Existing?
        if folderExists {
            // Refuses a lock file naming another provider (Prisma's P3019), as migrate does.
            do { _ = try MigrationFolder.load(folder) } catch { throw StepFailure(error.description) }
            let entries = ((try? manager.contentsOfDirectory(atPath: folder)) ?? []).sorted()
            for entry in entries where MigrationName.matches(entry, name: name) {
                let path = folder + "/" + entry + "/migration.sql"
                if let data = manager.contents(atPath: path), Array(data) == contents {
                    existing = .identical(path)
                    break
                }
                if existing == nil { existing = .different(path) }
            }
        }
        let lockFilePath = folder + "/" + MigrationLockFile.name
        return WritePlan(
            directory: folder + "/" + Self.timestamp(now()) + "_" + name, contents: contents, existing: existing,
            needsLockFile: !manager.fileExists(atPath: lockFilePath), lockFilePath: lockFilePath)
    }

    private func sourceBytes() throws(StepFailure) -> [UInt8] {
        switch step.source {
        case .sql(let text):
            return Array(Self.endingInNewline(text).utf8)
        case .file(let path):
            do throws(FileReadError) {
                // A file becomes the migration byte for byte: its checksum is what Prisma will compare.
                return try LocalFileSystem().read(path, limit: PreparedSQL.maximumFileSize)
            } catch {
                if case .outsideRoot(let real) = error {
                    throw StepFailure(
                        "the generate step's file \(path) leads to \(real), outside the project root: run with --root DIR or --allow-outside-root to read it"
                    )
                }
                throw StepFailure(
                    "the generate step's file \(path) does not exist or cannot be read (relative paths are resolved against the plan file)")
            }
        case .step(let id):
            guard let sql = stepSQL else {
                throw StepFailure(
                    "the generate step takes its SQL from step `\(id)`, but that step's SQL is not known before it runs: point it at an index-concurrently step, or use `sql:` or `file:`"
                )
            }
            var statement = sql.trimmingWhitespace()
            if !statement.hasSuffix(";") { statement += ";" }
            return Array((statement + "\n").utf8)
        }
    }

    // MARK: - Writing

    /// The migration appears whole or not at all: written in a scratch folder next to the
    /// migrations folder (not inside it, where Prisma would list a half-written directory as a
    /// migration), then renamed into place.
    private func write(_ plan: WritePlan) throws(StepFailure) {
        let manager = FileManager.default
        let folder = step.migrations
        do {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let parent = Paths.directory(of: folder)
            let scratch = (parent.isEmpty ? "." : parent) + "/.plan-generate-" + UUID().uuidString
            try manager.createDirectory(atPath: scratch, withIntermediateDirectories: false)
            defer { try? manager.removeItem(atPath: scratch) }
            try Data(plan.contents).write(to: URL(fileURLWithPath: scratch + "/migration.sql"))
            try manager.moveItem(atPath: scratch, toPath: plan.directory)
            if plan.needsLockFile {
                try Data(MigrationLockFile.contents.utf8).write(to: URL(fileURLWithPath: plan.lockFilePath), options: .atomic)
            }
        } catch {
            throw StepFailure("could not write \(plan.scriptPath): \(error.fileErrorReason); check that \(folder) is writable")
        }
    }

    private static func conflictMessage(_ path: String) -> String {
        "a migration with this name already exists with different SQL: \(path). plan never overwrites a migration (it may already be applied somewhere); "
            + "give the step a new `name:`, or delete that directory if it was never applied anywhere"
    }

    /// `yyyyMMddHHmmss` in UTC, Prisma's migration prefix; a fraction of a second is dropped.
    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var utc = tm()
        gmtime_r(&seconds, &utc)
        func digits(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return digits(utc.tm_year + 1900, 4) + digits(utc.tm_mon + 1, 2) + digits(utc.tm_mday, 2) + digits(utc.tm_hour, 2)
            + digits(utc.tm_min, 2) + digits(utc.tm_sec, 2)
    }

    private static func endingInNewline(_ text: String) -> String {
        text.hasSuffix("\n") ? text : text + "\n"
    }
}
