/// The state of a database's history against a migrations folder, in Prisma's terms. `status`
/// prints it; `migrate` acts on it; `verify`'s `migrations: up-to-date` checks it.
public struct HistoryDiagnosis: Sendable {
    public var hasTable: Bool
    /// Local migrations with no row that is not rolled back, in apply order.
    public var pending: [LocalMigration]
    /// Rows started but neither finished nor rolled back (Prisma's P3009).
    public var failed: [HistoryRow]
    /// Applied rows whose migration is not in the folder.
    public var missingLocally: [HistoryRow]
    /// Applied migrations whose migration.sql changed since (checksum drift).
    public var edited: [LocalMigration]
    /// Migration directories without a migration.sql (Prisma's P3015).
    public var withoutScript: [LocalMigration]

    public init(folder: MigrationFolder, rows: [HistoryRow], hasTable: Bool) {
        self.hasTable = hasTable
        // Names with a row that is not rolled back, and where the first applied one is: positions,
        // not copies of the rows (500-row histories are read on every nothing-pending run).
        var live = Set<String>(minimumCapacity: rows.count)
        var firstApplied: [String: Int] = [:]
        firstApplied.reserveCapacity(rows.count)
        for (position, row) in rows.enumerated() where !row.isRolledBack {
            live.insert(row.migrationName)
            if row.isApplied, firstApplied[row.migrationName] == nil { firstApplied[row.migrationName] = position }
        }
        let localNames = Set(folder.migrations.map(\.name))
        pending = folder.migrations.filter { !live.contains($0.name) }
        failed = rows.filter(\.isFailed)
        missingLocally = rows.filter { $0.isApplied && !localNames.contains($0.migrationName) }
        withoutScript = folder.migrations.filter { $0.script == nil }
        edited = folder.migrations.filter { migration in
            guard let script = migration.script, let applied = firstApplied[migration.name] else { return false }
            return !MigrationChecksum.matches(rows[applied].checksum, bytes: script, digest: migration.checksum)
        }
    }

    public var isUpToDate: Bool {
        hasTable && pending.isEmpty && failed.isEmpty && edited.isEmpty && missingLocally.isEmpty
    }

    /// Every problem as a sentence, for `status`, `verify` and dry-run output.
    public func problems(folder: String) -> [String] {
        var lines: [String] = []
        if !hasTable { lines.append("the database has no _prisma_migrations table: it is not managed by Prisma Migrate or plan yet") }
        if !pending.isEmpty {
            lines.append("\(pending.count) migration(s) not yet applied: " + pending.map(\.name).joined(separator: ", "))
        }
        for row in failed {
            lines.append(
                "migration \(row.migrationName) started at \(row.failedAttempt?.startedAt ?? "an unknown time") and did not finish (\(row.appliedStepsCount) step(s) committed)"
            )
        }
        if !edited.isEmpty {
            lines.append("migration(s) changed after they were applied (checksum differs): " + edited.map(\.name).joined(separator: ", "))
        }
        if !missingLocally.isEmpty {
            lines.append(
                "migration(s) applied to the database but not found in \(folder): "
                    + missingLocally.map(\.migrationName).joined(separator: ", "))
        }
        return lines
    }
}
