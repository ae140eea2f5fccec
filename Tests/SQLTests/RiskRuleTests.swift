import SQL
import Testing

@Suite("Risk rules: locks, rewrites and scans of each statement, without a database")
struct RiskRuleTests {
    func risks(_ sql: String) throws -> [StatementRisk] {
        RiskAnalyzer.analyze(try split(sql))
    }

    /// `code relation work` of every finding, in order.
    func findings(_ sql: String) throws -> [String] {
        try risks(sql).flatMap(\.findings).map { finding in
            [finding.rule.code, finding.relation?.description, finding.work?.rawValue].compactMap(\.self).joined(separator: " ")
        }
    }

    /// `relation MODE` of every lock of the one statement.
    func locks(_ sql: String) throws -> [String] {
        try risks(sql).flatMap(\.locks).map { "\($0.relation) \($0.mode.name)" }
    }

    @Test func changingColumnTypeRewritesUnderAccessExclusive() throws {
        let risk = try #require(try risks(#"ALTER TABLE "User" ALTER COLUMN "email" SET DATA TYPE VARCHAR(320);"#).first)
        #expect(risk.locks == [RelationLock(QualifiedName(parts: ["User"]), .accessExclusive)])
        let finding = try #require(risk.findings.first)
        #expect(finding.rule == .changingColumnType && finding.severity == .high && finding.work == .rewrite)
        #expect(finding.column == "email" && finding.newType == "VARCHAR(320)")
        #expect(finding.lockSummary == "ACCESS EXCLUSIVE on User")
        #expect(try findings("ALTER TABLE t ALTER x TYPE bigint USING x::bigint") == ["changing-column-type t rewrite"])
        #expect(try risks("ALTER TABLE t ALTER x TYPE bigint USING x::bigint")[0].findings[0].newType == nil)
    }

    @Test func foreignKeysScanBothTablesUnlessNotValid() throws {
        let sql =
            #"ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;"#
        #expect(try findings(sql) == ["adding-foreign-key-constraint Post scan"])
        let finding = try #require(try risks(sql)[0].findings.first)
        #expect(finding.alsoScans == QualifiedName(parts: ["User"]))
        #expect(finding.lockSummary == "SHARE ROW EXCLUSIVE on Post; SHARE ROW EXCLUSIVE on User")
        #expect(try locks(sql) == ["Post SHARE ROW EXCLUSIVE", "User SHARE ROW EXCLUSIVE"])
        #expect(try findings("ALTER TABLE a ADD FOREIGN KEY (b) REFERENCES c (id) NOT VALID").isEmpty)
        #expect(try locks("ALTER TABLE a VALIDATE CONSTRAINT a_b_fkey") == ["a SHARE UPDATE EXCLUSIVE"])
    }

    @Test func constraintsAndNotNull() throws {
        #expect(try findings("ALTER TABLE a ADD CONSTRAINT c CHECK (x > 0)") == ["constraint-missing-not-valid a scan"])
        #expect(try findings("ALTER TABLE a ADD CONSTRAINT c CHECK (x > 0) NOT VALID").isEmpty)
        #expect(try findings("ALTER TABLE a ALTER COLUMN x SET NOT NULL") == ["adding-not-nullable-field a scan"])
        #expect(try findings("ALTER TABLE a ALTER COLUMN x DROP NOT NULL, ALTER COLUMN y SET DEFAULT 1").isEmpty)
        #expect(try findings("ALTER TABLE a ADD CONSTRAINT u UNIQUE (x)") == ["disallowed-unique-constraint a index build"])
        #expect(try findings("ALTER TABLE a ADD CONSTRAINT u UNIQUE USING INDEX a_x").isEmpty)
        #expect(try findings("ALTER TABLE a ADD PRIMARY KEY (id)") == ["adding-serial-primary-key-field a index build"])
        #expect(
            try findings("ALTER TABLE a ADD CONSTRAINT e EXCLUDE USING gist (r WITH &&)") == ["adding-exclusion-constraint a index build"])
    }

    @Test func addingColumns() throws {
        #expect(try findings("ALTER TABLE a ADD COLUMN b text").isEmpty)
        #expect(try findings("ALTER TABLE a ADD COLUMN b timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP").isEmpty)
        #expect(try findings("ALTER TABLE a ADD COLUMN b timestamptz DEFAULT now()").isEmpty)
        #expect(
            try findings("ALTER TABLE a ADD COLUMN b uuid NOT NULL DEFAULT gen_random_uuid()") == ["adding-field-with-default a rewrite"])
        #expect(try findings("ALTER TABLE a ADD COLUMN id SERIAL NOT NULL") == ["adding-field-with-default a rewrite"])
        #expect(
            try findings("ALTER TABLE a ADD COLUMN n int GENERATED ALWAYS AS (x + 1) STORED") == ["adding-field-with-default a rewrite"])
        #expect(try findings("ALTER TABLE a ADD COLUMN n int GENERATED ALWAYS AS IDENTITY") == ["adding-field-with-default a rewrite"])
        #expect(try findings(#"ALTER TABLE "a" ADD COLUMN "b" TEXT NOT NULL"#) == ["adding-required-field a"])
        #expect(try findings("ALTER TABLE a ADD COLUMN b int UNIQUE") == ["disallowed-unique-constraint a index build"])
        #expect(try locks("ALTER TABLE a ADD COLUMN b int REFERENCES c (id)") == ["a ACCESS EXCLUSIVE", "c SHARE ROW EXCLUSIVE"])
    }

    @Test func indexes() throws {
        #expect(
            try findings(#"CREATE UNIQUE INDEX "User_email_key" ON "User"("email");"#) == [
                "require-concurrent-index-creation User index build"
            ])
        #expect(try locks(#"CREATE INDEX i ON "User"("email")"#) == ["User SHARE"])
        #expect(try findings("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (x)").isEmpty)
        #expect(try locks("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON ONLY s.t (x)") == ["s.t SHARE UPDATE EXCLUSIVE"])
        #expect(try findings("DROP INDEX i") == ["require-concurrent-index-deletion i"])
        #expect(try findings("DROP INDEX CONCURRENTLY IF EXISTS i").isEmpty)
        #expect(try findings("REINDEX TABLE t") == ["require-concurrent-reindex t index build"])
        #expect(try findings("REINDEX (VERBOSE) INDEX CONCURRENTLY i").isEmpty)
    }

    @Test func renamesDropsAndRewrites() throws {
        #expect(try findings(#"ALTER TABLE "User" RENAME COLUMN "name" TO "fullName""#) == ["renaming-column User"])
        #expect(try findings("ALTER TABLE u RENAME TO users") == ["renaming-table u"])
        #expect(try findings("ALTER TABLE u RENAME CONSTRAINT a TO b").isEmpty)
        #expect(try findings("ALTER TABLE u DROP COLUMN a, DROP CONSTRAINT c") == ["ban-drop-column u"])
        #expect(try findings("DROP TABLE IF EXISTS a, b") == ["ban-drop-table a", "ban-drop-table b"])
        #expect(try findings("VACUUM FULL t") == ["prefer-repack t rewrite"])
        #expect(try findings("VACUUM (FULL, ANALYZE) t").count == 1)
        #expect(try findings("VACUUM (ANALYZE) t").isEmpty)
        #expect(try findings("CLUSTER t USING i") == ["prefer-repack t rewrite"])
        #expect(try findings("ALTER TABLE t SET UNLOGGED") == ["rewriting-table t rewrite"])
        #expect(try findings("ALTER TABLE t SET ACCESS METHOD heap2") == ["rewriting-table t rewrite"])
        #expect(try findings("REFRESH MATERIALIZED VIEW v") == ["rewriting-table v rewrite"])
        #expect(try locks("REFRESH MATERIALIZED VIEW CONCURRENTLY v") == ["v EXCLUSIVE"])
    }

    @Test func lockLevelsOfOtherStatements() throws {
        #expect(try locks("ALTER TABLE t SET (fillfactor = 70)") == ["t SHARE UPDATE EXCLUSIVE"])
        #expect(try locks("ALTER TABLE t ALTER COLUMN x SET STATISTICS 500") == ["t SHARE UPDATE EXCLUSIVE"])
        #expect(try locks("ALTER TABLE t DISABLE TRIGGER ALL") == ["t SHARE ROW EXCLUSIVE"])
        #expect(try locks("ALTER TABLE t ENABLE ROW LEVEL SECURITY") == ["t ACCESS EXCLUSIVE"])
        #expect(try locks("ALTER TABLE t ALTER x SET STATISTICS 5, ADD COLUMN y int") == ["t ACCESS EXCLUSIVE"])
        #expect(try locks("CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()") == ["t SHARE ROW EXCLUSIVE"])
        #expect(try locks("LOCK TABLE a, b IN SHARE ROW EXCLUSIVE MODE") == ["a SHARE ROW EXCLUSIVE", "b SHARE ROW EXCLUSIVE"])
        #expect(try locks("LOCK a") == ["a ACCESS EXCLUSIVE"])
        #expect(try locks("TRUNCATE TABLE a") == ["a ACCESS EXCLUSIVE"])
        #expect(try locks("UPDATE a SET x = 1") == ["a ROW EXCLUSIVE"])
        #expect(try locks("DELETE FROM ONLY a") == ["a ROW EXCLUSIVE"])
        #expect(try locks("CREATE TABLE b (id int REFERENCES a (id))") == ["a SHARE ROW EXCLUSIVE"])
    }

    @Test func tablesCreatedEarlierInTheFileAreExempt() throws {
        let sql = """
            CREATE TABLE "Team" (id int PRIMARY KEY, name text);
            CREATE UNIQUE INDEX "Team_name_key" ON "Team"("name");
            ALTER TABLE "Team" ALTER COLUMN name TYPE varchar(100);
            ALTER TABLE "Team" ADD CONSTRAINT fk FOREIGN KEY (id) REFERENCES "User"(id);
            ALTER TABLE "User" ADD CONSTRAINT fk FOREIGN KEY (team) REFERENCES "Team"(id);
            """
        #expect(try findings(sql) == ["adding-foreign-key-constraint User scan"])
        #expect(try risks(sql)[4].findings[0].alsoScans == nil)
    }

    @Test func inlineAcknowledgements() throws {
        let sql = """
            -- plan: ack changing-column-type: the table holds 40 rows
            ALTER TABLE a ALTER b TYPE bigint;
            ALTER TABLE c DROP COLUMN d; -- plan: ack ban-drop-column, renaming-column
            /* plan: ack require-concurrent-index-creation */ CREATE INDEX i ON a (b);
            -- plan: acknowledge nothing
            DROP TABLE e; -- plan: ack ban-drop-table
            """
        #expect(
            try risks(sql).map(\.acknowledged) == [
                ["changing-column-type"], ["ban-drop-column", "renaming-column"], ["require-concurrent-index-creation"], [],
            ])
        let script = try SQLSplitter.script(sql, file: testFile)
        #expect(RiskAnalyzer.analyze(script.statements, trailingTrivia: script.trailingTrivia).last?.acknowledged == ["ban-drop-table"])
    }

    @Test func everyRuleHasADistinctCode() {
        #expect(Set(RiskRule.all.map(\.code)).count == RiskRule.all.count)
        #expect(RiskRule.named("changing-column-type") == .changingColumnType)
    }
}
