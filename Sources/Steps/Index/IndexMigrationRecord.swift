import Runner

/// `record_as:`: the runbook's "build it by hand, then `prisma migrate resolve --applied`" as
/// part of the step, written exactly as `resolve` writes it, and skipped when already recorded.
enum IndexMigrationRecord {
    /// The migration `name` stands for, and whether the history already records it applied.
    /// `name` is a whole migration name, or the name a `generate` step gave it without its
    /// timestamp, so generate + build + record_as can live in one plan.
    static func find(_ name: String, folder path: String, on connection: PostgresConnection) throws(StepFailure) -> (
        migration: LocalMigration, applied: Bool
    ) {
        let folder: MigrationFolder
        do { folder = try MigrationFolder.load(path) } catch { throw StepFailure(error.description) }
        let local = try migration(named: name, in: folder)
        return (local, try isApplied(local.name, on: connection))
    }

    /// Writes it exactly as `resolve --applied` does.
    static func markApplied(_ local: LocalMigration, on connection: PostgresConnection) throws(StepFailure) {
        do { try MigrationHistory.ensureTable(on: connection) } catch {
            throw StepFailure(error, doing: "could not create _prisma_migrations")
        }
        try ResolveRunner.markApplied(local, on: connection)
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
            "record_as: \(MigrationError.unknownMigration(name: name, folder: folder.path).description); fix the name (nothing was built)"
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
