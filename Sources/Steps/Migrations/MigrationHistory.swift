import FoundationEssentials
public import Runner
import SQL

/// One row of `_prisma_migrations`, as much of it as plan uses.
public struct HistoryRow: Sendable, Equatable {
    public var migrationName: String
    public var checksum: String
    /// `finished_at` is set.
    public var isFinished: Bool
    /// `rolled_back_at` is set.
    public var isRolledBack: Bool
    public var appliedStepsCount: Int
    /// For a failed row only: what plan reports of it and resumes it by. No other row's id,
    /// start or logs is read; formatting every row's timestamps was a third of the read.
    public var failedAttempt: FailedAttempt?

    public init(
        migrationName: String, checksum: String, isFinished: Bool, isRolledBack: Bool, appliedStepsCount: Int,
        failedAttempt: FailedAttempt? = nil
    ) {
        self.migrationName = migrationName
        self.checksum = checksum
        self.isFinished = isFinished
        self.isRolledBack = isRolledBack
        self.appliedStepsCount = appliedStepsCount
        self.failedAttempt = failedAttempt
    }

    /// Prisma's "failed": started, neither finished nor rolled back (P3009 while one exists).
    public var isFailed: Bool { !isFinished && !isRolledBack }
    public var isApplied: Bool { isFinished && !isRolledBack }
}

/// A failed row's id (to resume it), when it started and the error Prisma or plan logged.
public struct FailedAttempt: Sendable, Equatable {
    public var id: String
    public var startedAt: String
    public var logs: String?

    public init(id: String, startedAt: String, logs: String?) {
        self.id = id
        self.startedAt = startedAt
        self.logs = logs
    }
}

/// The `_prisma_migrations` table, read and written exactly as Prisma 5–7 does, so Prisma and
/// plan can take turns on one database. The table name is unqualified: it resolves through the
/// search_path, which the URL's `?schema=` sets.
public enum MigrationHistory {
    public static let tableName = "_prisma_migrations"

    /// Prisma's DDL, verbatim (sql-schema-connector/src/flavour/postgres.rs).
    public static let createTableSQL = """
        CREATE TABLE _prisma_migrations (
            id                      VARCHAR(36) PRIMARY KEY NOT NULL,
            checksum                VARCHAR(64) NOT NULL,
            finished_at             TIMESTAMPTZ,
            migration_name          VARCHAR(255) NOT NULL,
            logs                    TEXT,
            rolled_back_at          TIMESTAMPTZ,
            started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
            applied_steps_count     INTEGER NOT NULL DEFAULT 0
        )
        """

    /// One row, `t` when the table exists in the search_path.
    private static let existsQuery = "SELECT to_regclass('_prisma_migrations') IS NOT NULL"

    public static func exists(on connection: PostgresConnection) throws(PostgresError) -> Bool {
        try connection.execute(existsQuery).scalar == "t"
    }

    /// Creates the table (and the URL's schema, as Prisma does on connect) if missing.
    public static func ensureTable(on connection: PostgresConnection) throws(PostgresError) {
        if let schema = connection.target.schema {
            try connection.execute("CREATE SCHEMA IF NOT EXISTS \(SQLQuoting.identifier(schema))")
        }
        guard try !exists(on: connection) else { return }
        try connection.execute(createTableSQL)
    }

    /// All rows, oldest first, as Prisma reads them. Empty when the table does not exist.
    public static func load(from connection: PostgresConnection) throws(PostgresError) -> [HistoryRow] {
        try read(from: connection).rows
    }

    /// Whether the table exists, and its rows: two round trips, the fewest that cannot fail on
    /// a database Prisma never touched.
    public static func read(from connection: PostgresConnection) throws(PostgresError) -> (exists: Bool, rows: [HistoryRow]) {
        guard try exists(on: connection) else { return (false, []) }
        return (true, try rows(from: connection))
    }

    /// In Prisma's order: started_at, then finished_at with unfinished rows last. id is NOT
    /// NULL: a row has it here exactly when it failed; only such rows bring their start (in UTC,
    /// as Prisma writes it) and logs.
    private static func rows(from connection: PostgresConnection) throws(PostgresError) -> [HistoryRow] {
        let result = try connection.execute(
            """
            SELECT migration_name, checksum, finished_at IS NOT NULL, rolled_back_at IS NOT NULL, applied_steps_count,
                   CASE WHEN finished_at IS NULL AND rolled_back_at IS NULL THEN id END,
                   CASE WHEN finished_at IS NULL AND rolled_back_at IS NULL
                        THEN to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS "UTC"') END,
                   CASE WHEN finished_at IS NULL AND rolled_back_at IS NULL THEN logs END
            FROM _prisma_migrations ORDER BY started_at ASC, finished_at ASC NULLS LAST
            """)
        return result.rows.map { row in
            HistoryRow(
                migrationName: row[0] ?? "", checksum: row[1] ?? "", isFinished: row[2] == "t", isRolledBack: row[3] == "t",
                appliedStepsCount: Int(row[4] ?? "0") ?? 0,
                failedAttempt: row[5].map { FailedAttempt(id: $0, startedAt: row[6] ?? "", logs: row[7]) })
        }
    }

    /// Tables in the target schema that make it "not empty" for Prisma's P3005 check: ordinary
    /// tables other than PostGIS's own and the history table.
    public static func userTables(on connection: PostgresConnection) throws(PostgresError) -> [String] {
        let result = try connection.execute(
            """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind = 'r'
              AND lower(c.relname) NOT IN ('spatial_ref_sys', 'geometry_columns', 'geography_columns',
                                           'raster_columns', 'raster_overviews', '_prisma_migrations')
            ORDER BY 1
            """)
        return result.rows.compactMap { $0[0] }
    }

    // MARK: - Writing (SQL text, so a row can share a message and a transaction with a script)

    static func insertStartedSQL(id: String, checksum: String, name: String) -> String {
        "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) VALUES ("
            + "\(SQLQuoting.literal(id)), \(SQLQuoting.literal(checksum)), "
            + "\(SQLQuoting.literal(name)), clock_timestamp(), 0)"
    }

    /// A finished row written in the same transaction as the migration itself: started_at is the
    /// transaction's start, finished_at the moment of the insert.
    static func insertFinishedSQL(id: String, checksum: String, name: String, steps: Int) -> String {
        "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count) VALUES ("
            + "\(SQLQuoting.literal(id)), \(SQLQuoting.literal(checksum)), "
            + "\(SQLQuoting.literal(name)), now(), clock_timestamp(), \(steps))"
    }

    static func recordProgressSQL(id: String, steps: Int) -> String {
        "UPDATE _prisma_migrations SET applied_steps_count = \(steps) WHERE id = \(SQLQuoting.literal(id))"
    }

    /// Takes back a started row when nothing of its migration committed (a unit that could not
    /// take its locks): the history is as if the attempt never began.
    static func deleteSQL(id: String) -> String {
        "DELETE FROM _prisma_migrations WHERE id = \(SQLQuoting.literal(id)) AND finished_at IS NULL AND applied_steps_count = 0"
    }

    static func finishSQL(id: String, steps: Int) -> String {
        "UPDATE _prisma_migrations SET applied_steps_count = \(steps), finished_at = clock_timestamp() WHERE id = \(SQLQuoting.literal(id))"
    }

    /// The failed row Prisma leaves (started, never finished, with its error in `logs`) for a
    /// migration whose own transaction rolled back: one statement, after the fact.
    static func recordFailedAttempt(name: String, checksum: String, logs: String, on connection: PostgresConnection) throws(PostgresError) {
        try connection.query(
            "INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, started_at, applied_steps_count) VALUES ($1, $2, $3, $4, now(), 0)",
            [newID(), checksum, name, logs])
    }

    static func recordFailure(id: String, logs: String, on connection: PostgresConnection) throws(PostgresError) {
        try connection.query("UPDATE _prisma_migrations SET logs = $1 WHERE id = $2", [logs, id])
    }

    static func newID() -> String { UUID().uuidString.lowercased() }
}
