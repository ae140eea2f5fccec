import PlanModel
import Runner
import Testing

@testable import Steps

@Suite("index-concurrently SQL rendering and definition comparison")
struct IndexSQLTests {
    @Test func rendersEveryClauseWithQuotedNames() {
        let step = IndexStep(
            name: "idx \"odd\"", schema: "app", table: "Users", method: .btree,
            keys: [
                IndexStep.Key(target: .column("email"), opclass: "text_pattern_ops", order: .desc, nulls: .last),
                IndexStep.Key(target: .expression("lower(name)")),
            ],
            storage: [
                IndexStep.StorageParameter(name: "fillfactor", value: .int(90)),
                IndexStep.StorageParameter(name: "deduplicate_items", value: .bool(false)),
            ],
            include: ["id"], predicate: "deleted_at IS NULL", unique: true)
        #expect(
            IndexSQL(step: step).create
                == #"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "idx ""odd""" ON "app"."Users" USING btree ("email" "text_pattern_ops" DESC NULLS LAST, (lower(name))) INCLUDE ("id") WITH ("fillfactor" = 90, "deduplicate_items" = false) WHERE (deleted_at IS NULL)"#
        )
        #expect(IndexSQL(step: step).drop == #"DROP INDEX CONCURRENTLY IF EXISTS "app"."idx ""odd""""#)
    }

    @Test func wordsBecomeLiterals() {
        let step = IndexStep(
            name: "i", table: "t", method: .gin, keys: [IndexStep.Key(target: .column("doc"))],
            storage: [IndexStep.StorageParameter(name: "fastupdate", value: .word("off'); DROP TABLE t; --"))])
        #expect(IndexSQL(step: step).create.hasSuffix(#"WITH ("fastupdate" = 'off''); DROP TABLE t; --')"#))
    }

    @Test func normalisesDeparsedExpressions() {
        #expect(
            IndexDefinitionComparison.normaliseExpression("(status = 'Active'::text)")
                == IndexDefinitionComparison.normaliseExpression("status = 'Active'"))
        #expect(
            IndexDefinitionComparison.normaliseExpression("status = 'Active'")
                != IndexDefinitionComparison.normaliseExpression("status = 'active'"))
        #expect(
            IndexDefinitionComparison.normaliseOption("fastupdate=off") == IndexDefinitionComparison.normaliseOption("fastupdate=false"))
    }
}

@Suite("index-concurrently pure helpers")
struct IndexHelperTests {
    @Test func sharedMemoryErrorIsToldFromAFullDisk() {
        let dsm = PostgresError(
            kind: .server, message: "could not resize shared memory segment \"/PostgreSQL.1\" to 63999936 bytes: No space left on device",
            sqlState: "53100")
        let disk = PostgresError(kind: .server, message: "could not extend file \"base/1/2\": No space left on device", sqlState: "53100")
        #expect(IndexBuild.isSharedMemoryExhausted(dsm))
        #expect(!IndexBuild.isSharedMemoryExhausted(disk))
    }

    @Test func hnswEstimateForTheRunbookTable() {
        let estimate = HNSWMemoryEstimate(columnType: .vector, dimensions: 1536, m: 16, rows: 12_000)
        // About 6.85 KB per element (reference §2.2): 64MB holds about 9,800 elements.
        #expect((6_800...6_900).contains(estimate.bytesPerElement))
        #expect(!estimate.fits(budgetKilobytes: 64 * 1024))
        #expect((9_500...10_000).contains(estimate.rowsThatFit(budgetKilobytes: 64 * 1024)))
        #expect(estimate.suggestedMegabytes == 79)
    }

    @Test func progressPercentFollowsThePhasesCounter() {
        let loading = IndexBuildProgressMonitor.progress(from: ["building index: loading tuples", "0", "0", "200", "50", "0", "0", "0"])
        #expect(loading.percent == 25)
        let scanning = IndexBuildProgressMonitor.progress(from: ["building index: assigning tuples", "89", "89", "0", "0", "0", "0", "0"])
        #expect(scanning.percent == 100)
        let waiting = IndexBuildProgressMonitor.progress(from: ["waiting for writers before build", "0", "0", "0", "0", "2", "1", "4242"])
        #expect(waiting.detail == "1/2 transactions, waiting for pid 4242")
        #expect(
            IndexBuildProgressMonitor.progress(from: ["building index: performing k-means", "0", "0", "0", "0", "0", "0", "0"]).percent
                == nil)
    }
}
