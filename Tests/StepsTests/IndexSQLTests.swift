import PlanModel
@testable import Steps
import Testing

@Suite("index-concurrently SQL rendering and definition comparison")
struct IndexSQLTests {
    @Test func rendersEveryClauseWithQuotedNames() {
        let step = IndexStep(
            name: "idx \"odd\"", schema: "app", table: "Users", method: .btree,
            keys: [
                IndexStep.Key(target: .column("email"), opclass: "text_pattern_ops", order: .desc, nulls: .last),
                IndexStep.Key(target: .expression("lower(name)")),
            ],
            storage: [IndexStep.StorageParameter(name: "fillfactor", value: .int(90)),
                      IndexStep.StorageParameter(name: "deduplicate_items", value: .bool(false))],
            include: ["id"], predicate: "deleted_at IS NULL", unique: true)
        #expect(
            IndexSQL(step: step).create
                == #"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "idx ""odd""" ON "app"."Users" USING btree ("email" "text_pattern_ops" DESC NULLS LAST, (lower(name))) INCLUDE ("id") WITH ("fillfactor" = 90, "deduplicate_items" = false) WHERE (deleted_at IS NULL)"#)
        #expect(IndexSQL(step: step).drop == #"DROP INDEX CONCURRENTLY IF EXISTS "app"."idx ""odd""""#)
    }

    @Test func wordsBecomeLiterals() {
        let step = IndexStep(
            name: "i", table: "t", method: .gin, keys: [IndexStep.Key(target: .column("doc"))],
            storage: [IndexStep.StorageParameter(name: "fastupdate", value: .word("off'); DROP TABLE t; --"))])
        #expect(IndexSQL(step: step).create.hasSuffix(#"WITH ("fastupdate" = 'off''); DROP TABLE t; --')"#))
    }

    @Test func normalisesDeparsedExpressions() {
        #expect(IndexDefinitionComparison.normaliseExpression("(status = 'Active'::text)") == IndexDefinitionComparison.normaliseExpression("status = 'Active'"))
        #expect(IndexDefinitionComparison.normaliseExpression("status = 'Active'") != IndexDefinitionComparison.normaliseExpression("status = 'active'"))
        #expect(IndexDefinitionComparison.normaliseOption("fastupdate=off") == IndexDefinitionComparison.normaliseOption("fastupdate=false"))
    }
}
