import Runner

/// `record_as:`: the runbook's "build it by hand, then `prisma migrate resolve --applied`" as
/// part of the step, written exactly as `resolve` writes it, and skipped when already recorded.
enum IndexMigrationRecord {
    /// Marks the migration applied unless the history already says so; true when it wrote.
    static func markApplied(_ name: String, folder path: String, on connection: PostgresConnection, context: StepContext) throws(StepFailure) -> Bool {
        if try isApplied(name, on: connection) {
            context.say(.info, "migration \(name) is already recorded as applied")
            return false
        }
        let folder: MigrationFolder
        do { folder = try MigrationFolder.load(path) } catch { throw StepFailure(error.description) }
        guard let local = folder.migration(named: name) else {
            throw StepFailure(
                "record_as: \(MigrationError.unknownMigration(name: name, folder: path).description); the index was built, so fix the name and re-run: the build is skipped next time")
        }
        do { try MigrationHistory.ensureTable(on: connection) } catch {
            throw StepFailure(error, doing: "could not create _prisma_migrations")
        }
        try ResolveRunner.markApplied(local, on: connection)
        context.say(.info, "migration \(name) marked as applied (record_as)")
        return true
    }

    static func isApplied(_ name: String, on connection: PostgresConnection) throws(StepFailure) -> Bool {
        do {
            return try MigrationHistory.load(from: connection).contains { $0.migrationName == name && $0.finishedAt != nil && $0.rolledBackAt == nil }
        } catch {
            throw StepFailure(error, doing: "could not read _prisma_migrations")
        }
    }
}
