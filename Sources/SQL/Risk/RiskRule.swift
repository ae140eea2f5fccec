/// The risk rules, one catalogue: `plan check`, the dry-run's risk report, acknowledgements and
/// docs/RISK.md all name rules from here. Codes are squawk's rule names where squawk has the rule
/// (https://squawkhq.com/docs/rules), else strong_migrations' check, written the same way
/// (https://github.com/ankane/strong_migrations#checks); lock levels are PostgreSQL's
/// (https://www.postgresql.org/docs/current/sql-altertable.html,
/// https://www.postgresql.org/docs/current/explicit-locking.html).
public struct RiskRule: Sendable, Equatable, Hashable {
    public var code: String
    /// Without live statistics: how bad it is on a table of unknown size.
    public var severity: RiskSeverity
    /// The safer form, when one exists.
    public var safer: String?

    public init(code: String, severity: RiskSeverity, safer: String?) {
        self.code = code
        self.severity = severity
        self.safer = safer
    }

    public static let changingColumnType = RiskRule(
        code: "changing-column-type", severity: .high,
        safer:
            "binary-coercible changes do not rewrite (varchar(n) to varchar(m > n) or text); otherwise add a new column, write to both, backfill in batches, switch reads, drop the old one"
    )
    public static let addingFieldWithDefault = RiskRule(
        code: "adding-field-with-default", severity: .high,
        safer:
            "add the column without the default (or with a constant one), then SET DEFAULT for new rows and backfill existing rows in batches; for a generated or serial column, use a trigger or a new table"
    )
    public static let addingRequiredField = RiskRule(
        code: "adding-required-field", severity: .medium,
        safer: "add the column nullable, or with a non-volatile DEFAULT (no rewrite since PostgreSQL 11), backfill, then add NOT NULL")
    public static let addingNotNullableField = RiskRule(
        code: "adding-not-nullable-field", severity: .medium,
        safer:
            "ADD CONSTRAINT … CHECK (col IS NOT NULL) NOT VALID; then, in another transaction, VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE: reads and writes go on); then SET NOT NULL skips the scan (PostgreSQL 12+) and the CHECK can be dropped"
    )
    public static let addingForeignKeyConstraint = RiskRule(
        code: "adding-foreign-key-constraint", severity: .medium,
        safer:
            "ADD CONSTRAINT … FOREIGN KEY … NOT VALID (no scan), then VALIDATE CONSTRAINT in another transaction (SHARE UPDATE EXCLUSIVE on the table, ROW SHARE on the referenced one)"
    )
    public static let constraintMissingNotValid = RiskRule(
        code: "constraint-missing-not-valid", severity: .medium,
        safer: "ADD CONSTRAINT … CHECK (…) NOT VALID, then VALIDATE CONSTRAINT in another transaction (SHARE UPDATE EXCLUSIVE)")
    public static let disallowedUniqueConstraint = RiskRule(
        code: "disallowed-unique-constraint", severity: .medium,
        safer: "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … UNIQUE USING INDEX (a brief ACCESS EXCLUSIVE, no build)")
    public static let addingSerialPrimaryKeyField = RiskRule(
        code: "adding-serial-primary-key-field", severity: .medium,
        safer: "CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … PRIMARY KEY USING INDEX (columns already NOT NULL)")
    public static let addingExclusionConstraint = RiskRule(
        code: "adding-exclusion-constraint", severity: .medium,
        safer: nil)
    public static let requireConcurrentIndexCreation = RiskRule(
        code: "require-concurrent-index-creation", severity: .medium,
        safer: "CREATE INDEX CONCURRENTLY IF NOT EXISTS (it runs alone, outside a transaction; or use an index-concurrently step)")
    public static let requireConcurrentIndexDeletion = RiskRule(
        code: "require-concurrent-index-deletion", severity: .low,
        safer: "DROP INDEX CONCURRENTLY IF EXISTS (it runs alone, outside a transaction)")
    public static let requireConcurrentReindex = RiskRule(
        code: "require-concurrent-reindex", severity: .medium,
        safer: "REINDEX … CONCURRENTLY (PostgreSQL 12+; runs alone, outside a transaction)")
    public static let renamingColumn = RiskRule(
        code: "renaming-column", severity: .medium,
        safer: "keep the column name and rename the field in the application (Prisma: @map); or add a new column and backfill")
    public static let renamingTable = RiskRule(
        code: "renaming-table", severity: .medium,
        safer: "keep the table name and rename the model in the application (Prisma: @@map); or rename behind a view")
    public static let banDropColumn = RiskRule(
        code: "ban-drop-column", severity: .medium,
        safer: "first deploy application code that no longer reads or writes the column, then drop it")
    public static let banDropTable = RiskRule(
        code: "ban-drop-table", severity: .medium,
        safer: "first deploy application code that no longer uses the table; back it up before dropping")
    public static let preferRepack = RiskRule(
        code: "prefer-repack", severity: .high,
        safer: "pg_repack (or, on PostgreSQL 19+, REPACK (CONCURRENTLY)) rebuilds the table without holding ACCESS EXCLUSIVE")
    public static let rewritingTable = RiskRule(
        code: "rewriting-table", severity: .high,
        safer: "run it in a maintenance window, or build a new table and switch to it")
    /// Live only: a session holds a lock the statement would wait for.
    public static let blockedBySession = RiskRule(
        code: "blocked-by-session", severity: .high,
        safer:
            "end or wait out the blocking session before deploying; keep the plan's lock_timeout short so a waiting ALTER does not queue every later query behind it"
    )

    public static let all: [RiskRule] = [
        changingColumnType, addingFieldWithDefault, addingRequiredField, addingNotNullableField, addingForeignKeyConstraint,
        constraintMissingNotValid, disallowedUniqueConstraint, addingSerialPrimaryKeyField, addingExclusionConstraint,
        requireConcurrentIndexCreation, requireConcurrentIndexDeletion, requireConcurrentReindex, renamingColumn, renamingTable,
        banDropColumn, banDropTable, preferRepack, rewritingTable, blockedBySession,
    ]

    public static func named(_ code: String) -> RiskRule? { all.first { $0.code == code } }
}
