import Runner

/// `record_as:`: the runbook's "build it by hand, then `prisma migrate resolve --applied`" as
/// part of the step, written exactly as `resolve` writes it, and skipped when already recorded.
enum IndexMigrationRecord {
    /// Marks the migration applied unless the history already says so; true when it wrote.
    /// `name` is a whole migration name, or the name a `generate` step gave it without its
    /// timestamp, so generate + build + record_as can live in one plan.
    static func markApplied(_ name: String, folder path: String, on connection: PostgresConnection, context: StepContext)
        throws(StepFailure) -> Bool
    {
        let folder: MigrationFolder
        do { folder = try MigrationFolder.load(path) } catch { throw StepFailure(error.description) }
        let local = try migration(named: name, in: folder)
        if try isApplied(local.name, on: connection) {
            context.say(.info, "migration \(local.name) is already recorded as applied")
            return false
        }
        do { try MigrationHistory.ensureTable(on: connection) } catch {
            throw StepFailure(error, doing: "could not create _prisma_migrations")
        }
        try ResolveRunner.markApplied(local, on: connection)
        context.say(.info, "migration \(local.name) marked as applied (record_as)")
        return true
    }

    static func migration(named name: String, in folder: MigrationFolder) throws(StepFailure) -> LocalMigration {
        if let exact = folder.migration(named: name) { return exact }
        let generated = folder.migrations.filter { $0.name.hasSuffix("_" + name) }
        if generated.count == 1 { return generated[0] }
        if generated.count > 1 {
            throw StepFailure(
                "record_as: \(name) matches \(generated.count) migrations (\(generated.map(\.name).joined(separator: ", "))); give the whole directory name"
            )
        }
        throw StepFailure(
            "record_as: \(MigrationError.unknownMigration(name: name, folder: folder.path).description); the index was built, so fix the name and re-run: the build is skipped next time"
        )
    }

    static func isApplied(_ name: String, on connection: PostgresConnection) throws(StepFailure) -> Bool {
        do {
            return try MigrationHistory.load(from: connection).contains {
                $0.migrationName == name && $0.isApplied
            }
        } catch {
            throw StepFailure(error, doing: "could not read _prisma_migrations")
        }
    }
}
