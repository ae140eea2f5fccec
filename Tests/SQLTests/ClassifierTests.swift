import SQL
import Testing

@Suite("Which statements PostgreSQL 13–18 refuses inside a transaction block")
struct ClassifierTests {
    static let refusedStatements: [(String, String)] = [
        ("CREATE INDEX CONCURRENTLY i ON t (x)", "CREATE INDEX CONCURRENTLY"),
        ("create unique index concurrently if not exists i on t (x)", "CREATE INDEX CONCURRENTLY"),
        ("CREATE INDEX CONCURRENTLY ON t USING hnsw (v vector_l2_ops)", "CREATE INDEX CONCURRENTLY"),
        ("CREATE INDEX /* why */ CONCURRENTLY i ON t (x)", "CREATE INDEX CONCURRENTLY"),
        ("DROP INDEX CONCURRENTLY IF EXISTS i", "DROP INDEX CONCURRENTLY"),
        ("REINDEX INDEX CONCURRENTLY i", "REINDEX CONCURRENTLY"),
        ("REINDEX TABLE CONCURRENTLY t", "REINDEX CONCURRENTLY"),
        ("REINDEX (CONCURRENTLY) TABLE t", "REINDEX CONCURRENTLY"),
        ("REINDEX (VERBOSE, CONCURRENTLY true) TABLE t", "REINDEX CONCURRENTLY"),
        ("REINDEX SCHEMA CONCURRENTLY s", "REINDEX CONCURRENTLY"),
        ("REINDEX SCHEMA s", "REINDEX SCHEMA"),
        ("REINDEX DATABASE d", "REINDEX DATABASE"),
        ("REINDEX DATABASE", "REINDEX DATABASE"),
        ("REINDEX (VERBOSE) SYSTEM d", "REINDEX SYSTEM"),
        ("VACUUM", "VACUUM"),
        ("VACUUM FULL t", "VACUUM"),
        ("vacuum (analyze) t", "VACUUM"),
        ("VACUUM ANALYZE t", "VACUUM"),
        ("CLUSTER", "CLUSTER"),
        ("CLUSTER VERBOSE", "CLUSTER"),
        ("CLUSTER (VERBOSE)", "CLUSTER"),
        ("CREATE DATABASE d", "CREATE DATABASE"),
        ("DROP DATABASE IF EXISTS d WITH (FORCE)", "DROP DATABASE"),
        ("CREATE TABLESPACE ts LOCATION '/srv/ts'", "CREATE TABLESPACE"),
        ("DROP TABLESPACE ts", "DROP TABLESPACE"),
        ("ALTER SYSTEM SET work_mem = '64MB'", "ALTER SYSTEM"),
        ("ALTER SYSTEM RESET ALL", "ALTER SYSTEM"),
        ("ALTER DATABASE d SET TABLESPACE ts", "ALTER DATABASE SET TABLESPACE"),
        ("DISCARD ALL", "DISCARD ALL"),
        ("COMMIT PREPARED 'tx1'", "COMMIT PREPARED"),
        ("ROLLBACK PREPARED 'tx1'", "ROLLBACK PREPARED"),
        ("ALTER TABLE p DETACH PARTITION c CONCURRENTLY", "ALTER TABLE ... DETACH CONCURRENTLY"),
        ("CREATE SUBSCRIPTION s CONNECTION 'host=a' PUBLICATION p", "CREATE SUBSCRIPTION ... WITH (create_slot = true)"),
        (
            "CREATE SUBSCRIPTION s CONNECTION 'host=a' PUBLICATION p WITH (copy_data = false)",
            "CREATE SUBSCRIPTION ... WITH (create_slot = true)"
        ),
        (
            "CREATE SUBSCRIPTION s CONNECTION 'host=a' PUBLICATION p WITH (create_slot = true)",
            "CREATE SUBSCRIPTION ... WITH (create_slot = true)"
        ),
        ("DROP SUBSCRIPTION s", "DROP SUBSCRIPTION"),
        ("DROP SUBSCRIPTION IF EXISTS s CASCADE", "DROP SUBSCRIPTION"),
        ("ALTER SUBSCRIPTION s REFRESH PUBLICATION", "ALTER SUBSCRIPTION ... REFRESH"),
        ("ALTER SUBSCRIPTION s REFRESH PUBLICATION WITH (copy_data = false)", "ALTER SUBSCRIPTION ... REFRESH"),
        ("ALTER SUBSCRIPTION s SET PUBLICATION p", "ALTER SUBSCRIPTION with refresh"),
        ("ALTER SUBSCRIPTION s ADD PUBLICATION p WITH (copy_data = false)", "ALTER SUBSCRIPTION with refresh"),
        ("ALTER SUBSCRIPTION s DROP PUBLICATION p WITH (refresh = true)", "ALTER SUBSCRIPTION with refresh"),
        ("ALTER SUBSCRIPTION s SET (failover = true)", "ALTER SUBSCRIPTION ... SET (failover)"),
        ("ALTER SUBSCRIPTION s SET (two_phase = false)", "ALTER SUBSCRIPTION ... SET (two_phase = false)"),
    ]

    @Test(arguments: refusedStatements)
    func refusedInsideABlock(sql: String, statementType: String) throws {
        #expect(try kind(sql) == refused(statementType))
        #expect(try kind(sql)?.mayRunInTransactionBlock == false)
    }

    static let transactionalStatements = [
        "CREATE INDEX i ON t (x)",
        "CREATE UNIQUE INDEX i ON t (x)",
        "CREATE INDEX concurrently_idx ON t (x)",
        "CREATE INDEX i ON t (\"concurrently\")",
        "CREATE INDEX \"concurrently\" ON t (x)",
        "ANALYZE t",
        "ANALYSE",
        "REINDEX TABLE t",
        "REINDEX INDEX i",
        "REINDEX (VERBOSE) TABLE t",
        "REINDEX (CONCURRENTLY false) TABLE t",
        "REINDEX (CONCURRENTLY off) INDEX i",
        "CLUSTER t USING i",
        "CLUSTER VERBOSE t",
        "CLUSTER (VERBOSE) t",
        "CLUSTER i ON t",
        "SELECT 'CREATE DATABASE x'",
        "SELECT 'VACUUM'",
        "DO $$ BEGIN EXECUTE 'VACUUM'; END $$",
        "ALTER DATABASE d SET work_mem TO '1MB'",
        "ALTER DATABASE d SET tablespace = 'x'",
        "ALTER DATABASE d RENAME TO e",
        "ALTER TABLE t ADD COLUMN \"concurrently\" int",
        "ALTER TABLE p DETACH PARTITION c",
        "ALTER TABLE p DETACH PARTITION c FINALIZE",
        "CREATE SUBSCRIPTION s CONNECTION 'host=a' PUBLICATION p WITH (create_slot = false)",
        "CREATE SUBSCRIPTION s CONNECTION 'host=a' PUBLICATION p WITH (connect = false, slot_name = NONE)",
        "CREATE SUBSCRIPTION s CONNECTION 'host=a' PUBLICATION p WITH (create_slot = 'off')",
        "ALTER SUBSCRIPTION s SET PUBLICATION p WITH (refresh = false)",
        "ALTER SUBSCRIPTION s ENABLE",
        "ALTER SUBSCRIPTION s SET (slot_name = NONE)",
        "ALTER SUBSCRIPTION s CONNECTION 'host=b'",
        "DISCARD PLANS",
        "ALTER TYPE mood ADD VALUE 'happy'",
        "CREATE TABLE vacuum_log (x int)",
        "SELECT * FROM vacuum_log",
        "DROP INDEX i",
        "DROP INDEX IF EXISTS concurrently_idx",
        "PREPARE q AS SELECT 1",
        "SET search_path TO app",
        "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE",
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END",
        "WITH x AS (SELECT 1) SELECT * FROM x",
        "(SELECT 1)",
        "\"vacuum\"",
    ]

    @Test(arguments: transactionalStatements)
    func allowedInsideABlock(sql: String) throws {
        #expect(try kind(sql) == .transactional)
    }

    static let transactionControl: [(String, TransactionControl)] = [
        ("BEGIN", .begin),
        ("begin transaction isolation level serializable", .begin),
        ("BEGIN WORK", .begin),
        ("START TRANSACTION READ ONLY", .begin),
        ("COMMIT", .commit),
        ("COMMIT WORK", .commit),
        ("END", .commit),
        ("END TRANSACTION", .commit),
        ("COMMIT AND NO CHAIN", .commit),
        ("COMMIT AND CHAIN", .commitAndChain),
        ("END WORK AND CHAIN", .commitAndChain),
        ("ROLLBACK", .rollback),
        ("ABORT", .rollback),
        ("ROLLBACK AND CHAIN", .rollback),
        ("ROLLBACK TO SAVEPOINT s", .rollbackToSavepoint),
        ("ROLLBACK TO s", .rollbackToSavepoint),
        ("ROLLBACK WORK TO SAVEPOINT s", .rollbackToSavepoint),
        ("SAVEPOINT s", .savepoint),
        ("RELEASE SAVEPOINT s", .releaseSavepoint),
        ("RELEASE s", .releaseSavepoint),
        ("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", .setTransaction),
        ("set transaction read only", .setTransaction),
        ("PREPARE TRANSACTION 'tx1'", .prepareTransaction),
    ]

    @Test(arguments: transactionControl)
    func explicitTransactionControl(sql: String, control: TransactionControl) throws {
        #expect(try kind(sql) == .transactionControl(control))
    }

    @Test func savepointsAndSetTransactionMayRunInARunnerBlock() {
        #expect(StatementKind.transactionControl(.savepoint).mayRunInTransactionBlock)
        #expect(StatementKind.transactionControl(.setTransaction).mayRunInTransactionBlock)
        #expect(!StatementKind.transactionControl(.begin).mayRunInTransactionBlock)
        #expect(!StatementKind.transactionControl(.commit).mayRunInTransactionBlock)
    }

    @Test func leadingCommentsDoNotHideTheStatement() throws {
        let statements = try split("-- CreateIndex\n/* big table */ CREATE INDEX CONCURRENTLY i ON t (x);")
        #expect(statements.map(\.kind) == [refused("CREATE INDEX CONCURRENTLY")])
    }
}
