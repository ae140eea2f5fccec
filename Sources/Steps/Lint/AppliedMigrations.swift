public import Runner

/// The names a database has applied (finished, not rolled back), read-only, for `plan check`'s
/// "not yet applied" scope. No `_prisma_migrations` table: nothing applied.
public enum AppliedMigrations {
    public static func names(target: ConnectionTarget, redactor: Redactor) throws(PostgresError) -> Set<String> {
        let connection = try PostgresConnection(target: target, readOnly: true, redactor: redactor)
        let (_, rows) = try MigrationHistory.read(from: connection)
        return Set(rows.filter { $0.isFinished && !$0.isRolledBack }.map(\.migrationName))
    }
}
