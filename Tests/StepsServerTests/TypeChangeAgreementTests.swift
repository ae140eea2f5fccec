import Runner
import TestSupport
import Testing

@testable import Steps

/// Which type changes keep the table (no rewrite) is PostgreSQL's decision: each pair is applied
/// in a rolled-back transaction, and the table's file node changes exactly when TypeChange says
/// it rewrites.
@Suite("Binary-coercible type changes against a real PostgreSQL server")
struct TypeChangeAgreementTests {
    static let changes: [(from: String, to: String)] = [
        ("varchar(10)", "varchar(20)"), ("varchar(10)", "VARCHAR(5)"), ("varchar(10)", "text"), ("varchar(10)", "character varying"),
        ("text", "varchar"), ("text", "varchar(200)"), ("integer", "bigint"), ("bigint", "int8"), ("numeric(10,2)", "numeric(12,2)"),
        ("numeric(10,2)", "numeric(12,3)"), ("numeric(10,2)", "numeric"), ("timestamp(3)", "timestamp(6)"),
        ("timestamp(6)", "timestamp(3)"), ("timestamp", "timestamptz"), ("timestamptz", "timestamp(3)"), ("timestamptz(3)", "timestamptz"),
        ("cidr", "inet"),
        ("text", "integer"),
    ]

    @Test func keepsTableAgreesWithTheServer() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        for (zone, change) in ["UTC", "Europe/Paris"].flatMap({ zone in Self.changes.map { (zone, $0) } }) {
            try connection.execute("SET TimeZone = '\(zone)'")
            let utc = zone == "UTC"
            try connection.execute("DROP TABLE IF EXISTS t; CREATE TABLE t (c \(change.from)); INSERT INTO t VALUES (NULL)")
            let current = try #require(
                try connection.execute(
                    "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 't'::regclass AND attname = 'c'"
                ).scalar)
            let before = try connection.execute("SELECT pg_relation_filenode('t')").scalar
            try connection.execute("BEGIN")
            // A USING clause only where there is no assignment cast (text → integer).
            let using = change.from == "text" && change.to == "integer" ? " USING c::integer" : ""
            try connection.execute("ALTER TABLE t ALTER COLUMN c TYPE \(change.to)\(using)")
            let rewritten = try connection.execute("SELECT pg_relation_filenode('t')").scalar != before
            try connection.execute("ROLLBACK")
            #expect(TypeChange.keepsTable(from: current, to: change.to, utc: utc) == !rewritten, "\(change.from) → \(change.to) in \(zone)")
        }
    }
}
