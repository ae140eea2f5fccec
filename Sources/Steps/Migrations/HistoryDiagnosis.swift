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
        // Per local migration: whether a row that is not rolled back names it, and the position
        // of the first applied one. Positions, not copies of the rows, and no hashing: 500-row
        // histories are matched on every nothing-pending run, by migrate and again by verify.
        let locals = folder.migrations
        var live = [Bool](repeating: false, count: locals.count)
        var firstApplied = [Int?](repeating: nil, count: locals.count)
        var failed: [HistoryRow] = []
        var missingLocally: [HistoryRow] = []
        var guess = 0
        for (position, row) in rows.enumerated() {
            if row.isFailed { failed.append(row) }
            let local = folder.position(of: row.migrationName, guess: guess)
            if let local { guess = local + 1 }
            guard !row.isRolledBack else { continue }
            if let local {
                live[local] = true
                if row.isApplied, firstApplied[local] == nil { firstApplied[local] = position }
            } else if row.isApplied {
                missingLocally.append(row)
            }
        }
        self.failed = failed
        self.missingLocally = missingLocally
        pending = locals.indices.filter { !live[$0] }.map { locals[$0] }
        withoutScript = locals.filter { $0.script == nil }
        edited = locals.indices.compactMap { index in
            let migration = locals[index]
            guard let script = migration.script, let applied = firstApplied[index] else { return nil }
            return MigrationChecksum.matches(rows[applied].checksum, bytes: script, digest: migration.checksum) ? nil : migration
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
