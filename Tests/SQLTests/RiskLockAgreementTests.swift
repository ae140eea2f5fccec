import Runner
import SQL
import TestSupport
import Testing

/// The lock levels of RiskAnalyzer checked against a real PostgreSQL: each statement runs in a
/// transaction, and the strongest relation lock the session then holds on each table must be
/// the one the analyzer predicts. What the server does wins.
@Suite("Risk rules' lock levels against a real PostgreSQL server")
struct RiskLockAgreementTests {
    static let statements = [
        "ALTER TABLE a ALTER COLUMN x TYPE bigint",
        "ALTER TABLE a ALTER COLUMN s TYPE text",
        "ALTER TABLE a ALTER COLUMN x SET NOT NULL",
        "ALTER TABLE a ALTER COLUMN x SET STATISTICS 500",
        "ALTER TABLE a SET (fillfactor = 70)",
        "ALTER TABLE a ADD COLUMN y int",
        "ALTER TABLE a ADD COLUMN z uuid DEFAULT gen_random_uuid()",
        "ALTER TABLE a ADD CONSTRAINT c CHECK (x > 0)",
        "ALTER TABLE a ADD CONSTRAINT c CHECK (x > 0) NOT VALID",
        "ALTER TABLE b ADD CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES a (id)",
        "ALTER TABLE b ADD CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES a (id) NOT VALID",
        "ALTER TABLE b VALIDATE CONSTRAINT b_checked",
        "ALTER TABLE a ADD CONSTRAINT u UNIQUE (s)",
        "ALTER TABLE a DISABLE TRIGGER ALL",
        "ALTER TABLE a ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE a DROP COLUMN s",
        "ALTER TABLE a RENAME COLUMN s TO t",
        "ALTER TABLE a CLUSTER ON a_pkey",
        "CREATE INDEX i ON a (s)",
        "CREATE TRIGGER tr BEFORE INSERT ON a FOR EACH ROW EXECUTE FUNCTION noop()",
        "CREATE TABLE c (id int REFERENCES a (id))",
        "TRUNCATE b",
        "DROP TABLE b",
        "REINDEX TABLE a",
        "CLUSTER a USING a_pkey",
        "LOCK TABLE a IN SHARE MODE",
        "UPDATE a SET x = 1",
    ]

    @Test func everyPredictedLockIsTheServersStrongest() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute(
            """
            CREATE TABLE a (id int PRIMARY KEY, x int, s varchar(10));
            CREATE TABLE b (id int PRIMARY KEY, a_id int, CONSTRAINT b_checked CHECK (a_id > 0) NOT VALID);
            CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
            """)
        // By oid, read before: a dropped table has no pg_class row inside its own transaction.
        let oids = try connection.query("SELECT 'a'::regclass::oid, 'b'::regclass::oid").rows[0]
        for sql in Self.statements {
            let risk = try #require(RiskAnalyzer.analyze(try split(sql)).first)
            try connection.execute("BEGIN")
            defer { _ = try? connection.execute("ROLLBACK") }
            try connection.execute(sql)
            let held = try connection.query(
                """
                SELECT CASE l.relation WHEN $1::oid THEN 'a' ELSE 'b' END, l.mode FROM pg_locks l
                WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.relation IN ($1::oid, $2::oid)
                """, oids)
            var strongest: [String: LockMode] = [:]
            for row in held.rows {
                guard let name = row[0], let mode = LockMode.allCases.first(where: { $0.catalogName == row[1] }) else { continue }
                strongest[name] = max(strongest[name] ?? mode, mode)
            }
            let predicted = Dictionary(uniqueKeysWithValues: risk.locks.map { ($0.relation.description, $0.mode) })
            #expect(predicted == strongest, "\(sql)")
        }
    }
}
