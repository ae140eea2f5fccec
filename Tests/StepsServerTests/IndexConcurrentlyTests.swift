import Foundation
import PlanModel
import Runner
import TestSupport
import Testing

@testable import Steps

@Suite("index-concurrently against PostgreSQL + pgvector")
struct IndexConcurrentlyTests {
    @Test func buildsThenSkipsWhenValidAndIdentical() throws {
        let database = try TestDatabase.fresh(extensions: ["vector"])
        defer { database.drop() }
        let connection = try database.connect()
        try createVectorTable(connection, "items", dimensions: 3, rows: 500)
        let step = ivfflatStep("items_embedding_idx", table: "items", lists: 10)

        let first = runIndexStep(step, on: database)
        #expect(first.summary.exitCode == 0, "\(first.sink.messages)")
        #expect(first.sink.outcome == .done)
        #expect(first.sink.saw("built index public.items_embedding_idx in"))
        #expect(try indexValidity(connection, "items_embedding_idx") == true)

        let second = runIndexStep(step, on: database)
        #expect(second.sink.outcome == .skipped)
        #expect(second.sink.saw("index public.items_embedding_idx already exists and is valid: nothing to build"))

        let preview = runIndexStep(step, on: database, dryRun: true)
        #expect(preview.sink.outcome == .skipped)
    }

    @Test func differentDefinitionFailsOrIsReplaced() throws {
        let database = try TestDatabase.fresh(extensions: ["vector"])
        defer { database.drop() }
        let connection = try database.connect()
        try createVectorTable(connection, "items", dimensions: 3, rows: 200)
        #expect(runIndexStep(ivfflatStep("items_idx", table: "items", lists: 10), on: database).summary.exitCode == 0)

        var changed = ivfflatStep("items_idx", table: "items", lists: 20)
        let conflict = runIndexStep(changed, on: database)
        #expect(conflict.summary.exitCode == 1)
        #expect(conflict.sink.saw("already exists with another definition"))
        #expect(conflict.sink.saw("existing: CREATE INDEX items_idx ON public.items USING ivfflat"))

        changed.onConflict = .replace
        let replaced = runIndexStep(changed, on: database)
        #expect(replaced.summary.exitCode == 0, "\(replaced.sink.messages)")
        #expect(try connection.execute("SELECT reloptions::text FROM pg_class WHERE relname = 'items_idx'").scalar == "{lists=20}")
        #expect(runIndexStep(changed, on: database).sink.outcome == .skipped)
    }

    @Test func btreeWithExpressionPredicateAndIncludeIsIdempotent() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE TABLE users (id int, email text, status text, deleted_at timestamptz)")
        let step = IndexStep(
            name: "users_email_idx", table: "users",
            keys: [IndexStep.Key(target: .expression("lower(email)")), IndexStep.Key(target: .column("id"), order: .desc)],
            include: ["status"], predicate: "deleted_at IS NULL AND status = 'active'", unique: true)
        #expect(runIndexStep(step, on: database).summary.exitCode == 0)
        let again = runIndexStep(step, on: database)
        #expect(again.sink.outcome == .skipped, "\(again.sink.messages)")
    }

    /// A concurrent build waits for open writers after it has committed its catalog entry, so a
    /// transaction holding a row lock keeps it there, INVALID, for as long as the test likes.
    @Test func invalidLeftoverFromACancelledBuildIsRebuilt() throws {
        let database = try TestDatabase.fresh(extensions: ["vector"])
        defer { database.drop() }
        let connection = try database.connect()
        try createVectorTable(connection, "items", dimensions: 3, rows: 300)
        let builder = try database.connect()
        let cancel = builder.cancelHandle()
        let writer = holdWriterUntilInvalid(url: database.url, table: "items", index: "items_idx") { _ in
            cancel?.cancelRunningQuery()
        }
        #expect(throws: PostgresError.self) {
            try builder.execute(
                "CREATE INDEX CONCURRENTLY items_idx ON items USING ivfflat (embedding vector_cosine_ops) WITH (lists = 10)")
        }
        writer.wait()
        #expect(try indexValidity(connection, "items_idx") == false)

        let step = ivfflatStep("items_idx", table: "items", lists: 10)
        var strict = step
        strict.onInvalid = .fail
        let refused = runIndexStep(strict, on: database)
        #expect(refused.summary.exitCode == 1)
        #expect(refused.sink.saw("is INVALID"))

        let preview = runIndexStep(step, on: database, dryRun: true)
        #expect(
            preview.sink.actions.map(\.summary).first
                == "drop index public.items_idx, INVALID (left by an earlier failed build), to rebuild it")
        let rebuilt = runIndexStep(step, on: database)
        #expect(rebuilt.summary.exitCode == 0, "\(rebuilt.sink.messages)")
        // The run did what the dry-run said, in the same words and order, with the same SQL.
        #expect(rebuilt.sink.actions == preview.sink.actions)
        #expect(try indexValidity(connection, "items_idx") == true)
        #expect(runIndexStep(step, on: database).sink.saw("index public.items_idx already exists and is valid: nothing to build"))
    }

    @Test func interruptCancelsTheBuildDropsTheLeftoverAndExits130() throws {
        let database = try TestDatabase.fresh(extensions: ["vector"])
        defer { database.drop() }
        let connection = try database.connect()
        try createVectorTable(connection, "items", dimensions: 3, rows: 300)
        let interruption = Interruption()
        let writer = holdWriterUntilInvalid(url: database.url, table: "items", index: "items_idx", linger: 1) { _ in
            interruption.deliver(SIGINT)
        }
        let run = runIndexStep(ivfflatStep("items_idx", table: "items", lists: 10), on: database, interruption: interruption)
        writer.wait()
        #expect(run.summary.exitCode == ExitStatus.interrupted, "\(run.sink.messages)")
        #expect(run.sink.saw("interrupted by SIGINT"))
        #expect(run.sink.saw("dropped the INVALID index public.items_idx"))
        #expect(try indexValidity(connection, "items_idx") == nil)
        // The session let go of the advisory lock.
        #expect(try connection.execute("SELECT pg_try_advisory_lock(72707369)").scalar == "t")
    }

    @Test func terminatedBackendThenRerunEndsWithOneValidIndex() throws {
        let database = try TestDatabase.fresh(extensions: ["vector"])
        defer { database.drop() }
        let connection = try database.connect()
        try createVectorTable(connection, "items", dimensions: 3, rows: 300)
        let writer = holdWriterUntilInvalid(url: database.url, table: "items", index: "items_idx") { watcher in
            _ = try? watcher.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND pid <> pg_backend_pid()"
            )
        }
        let step = ivfflatStep("items_idx", table: "items", lists: 10)
        let killed = runIndexStep(step, on: database)
        writer.wait()
        #expect(killed.summary.exitCode == 1)
        #expect(killed.sink.saw("was lost"))
        #expect(try indexValidity(connection, "items_idx") == false)

        let rerun = runIndexStep(step, on: database)
        #expect(rerun.summary.exitCode == 0, "\(rerun.sink.messages)")
        #expect(
            try connection.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'items' AND indexname LIKE 'items_idx%'").scalar
                == "1")
        #expect(try indexValidity(connection, "items_idx") == true)
    }

    @Test func preflightRefusesWhatPgvectorWould() throws {
        let database = try TestDatabase.fresh(extensions: ["vector"])
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE TABLE docs (id int, big vector(2001), loose vector, sparse sparsevec(5), half halfvec(3000))")
        func key(_ column: String, _ opclass: String?) -> [IndexStep.Key] { [IndexStep.Key(target: .column(column), opclass: opclass)] }

        let tooWide = runIndexStep(IndexStep(name: "a", table: "docs", method: .hnsw, keys: key("big", "vector_l2_ops")), on: database)
        #expect(tooWide.sink.saw("at most 2000 dimensions"))
        let noDimensions = runIndexStep(IndexStep(name: "b", table: "docs", method: .ivfflat, keys: key("loose", nil)), on: database)
        #expect(noDimensions.sink.saw("column loose does not have dimensions"))
        let sparse = runIndexStep(IndexStep(name: "c", table: "docs", method: .ivfflat, keys: key("sparse", nil)), on: database)
        #expect(sparse.sink.saw("ivfflat has no operator class for sparsevec"))
        let noOpclass = runIndexStep(IndexStep(name: "d", table: "docs", method: .hnsw, keys: key("half", nil)), on: database)
        #expect(noOpclass.sink.saw("has no default operator class"))
        let wrongOpclass = runIndexStep(
            IndexStep(name: "e", table: "docs", method: .hnsw, keys: key("half", "vector_l2_ops")), on: database)
        #expect(wrongOpclass.sink.saw("does not fit a halfvec column"))
        let halfOK = runIndexStep(IndexStep(name: "f", table: "docs", method: .hnsw, keys: key("half", "halfvec_l2_ops")), on: database)
        #expect(halfOK.summary.exitCode == 0, "\(halfOK.sink.messages)")
        #expect(halfOK.sink.saw("pgvector 0.8"))
        for refused in [tooWide, noDimensions, sparse, noOpclass, wrongOpclass] {
            #expect(refused.summary.exitCode == 1)
        }
        // Nothing was committed for the refused builds.
        #expect(try connection.execute("SELECT count(*) FROM pg_class WHERE relname IN ('a','b','c','d','e')").scalar == "0")
    }

    /// A missing table fails the dry-run as it would fail the run, unless an earlier step of the
    /// plan changes the schema first: then the run decides.
    @Test func aMissingTableFailsTheDryRunUnlessAnEarlierStepMayCreateIt() throws {
        let database = try TestDatabase.fresh(extensions: ["vector"])
        defer { database.drop() }
        let step = ivfflatStep("later_idx", table: "later", lists: 10)
        let alone = runIndexStep(step, on: database, dryRun: true)
        #expect(alone.summary.exitCode == 1)
        #expect(alone.sink.outcome == .wouldFail)
        #expect(alone.sink.saw("table later does not exist"))
        let run = runIndexStep(step, on: database)
        #expect(run.summary.exitCode == 1)
        #expect(run.sink.saw("Run the migration that creates it first"))

        let harness = StepHarness(url: database.url, readOnly: true)
        let creates = SQLStepRunner(
            SQLStep(source: .inline("CREATE TABLE later (embedding vector(3));", location: SourceLocation(file: "p", line: 1, column: 1))))
        let summary = PlanExecutor.run(
            plan: "p", file: nil,
            steps: [
                ExecutableStep(name: "create", kind: "sql", runner: creates),
                ExecutableStep(name: "index", kind: "index-concurrently", runner: IndexConcurrentlyRunner(step)),
            ], session: harness.session, reporter: harness.reporter, dryRun: true)
        #expect(summary.exitCode == 0, "\(harness.sink.transcript)")
        #expect(summary.wouldRun == 2)
        #expect(
            harness.sink.texts.contains {
                $0.hasPrefix("◦ cannot build index later_idx: table later does not exist")
                    && $0.hasSuffix("not a failure yet: step 1 (create) changes the schema first")
            }, "\(harness.sink.texts)")
        #expect(harness.sink.actions.last?.summary == "build index later_idx, outside any transaction")
    }

    @Test func recordAsMarksTheMigrationAppliedOnce() throws {
        let database = try TestDatabase.fresh(extensions: ["vector"])
        defer { database.drop() }
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        try folder.write(
            "migrations/20250101000000_items_index/migration.sql",
            "CREATE INDEX CONCURRENTLY items_idx ON items USING ivfflat (embedding vector_cosine_ops) WITH (lists = 10);\n")
        let connection = try database.connect()
        try createVectorTable(connection, "items", dimensions: 3, rows: 100)
        var step = ivfflatStep("items_idx", table: "items", lists: 10)
        step.recordAs = "20250101000000_items_index"
        step.migrations = folder.path + "/migrations"
        let first = runIndexStep(step, on: database)
        #expect(first.summary.exitCode == 0, "\(first.sink.messages)")
        #expect(first.sink.saw("mark migration 20250101000000_items_index as applied (record_as)"))
        let rows = "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '20250101000000_items_index' AND finished_at IS NOT NULL"
        #expect(try connection.execute(rows).scalar == "1")
        let second = runIndexStep(step, on: database)
        #expect(second.sink.outcome == .skipped)
        #expect(second.sink.saw("already recorded as applied"))
        #expect(try connection.execute(rows).scalar == "1")
    }

    @Test func buildSettingsAreTheStepsAndAreRestored() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (a int)")
        let sink = IndexEventSink()
        let reporter = Reporter(sinks: [sink])
        let session = DatabaseSession(
            target: ConnectionTarget(url: database.url), readOnly: false, lockTimeout: .seconds(30), reporter: reporter)
        let own = try session.connectLocked()
        try own.execute("SET lock_timeout = '3s'")
        let step = IndexStep(name: "t_a", table: "t", keys: [IndexStep.Key(target: .column("a"))], maintenanceWorkMem: Units.size("32MB"))
        let context = StepContext(index: 1, session: session, reporter: reporter, dryRun: false, interruption: Interruption())
        #expect(try PlanExecutor.planAndAct(IndexConcurrentlyRunner(step), context).0 == .done)
        #expect(try own.execute("SHOW lock_timeout").scalar == "3s")
        #expect(try own.execute("SHOW maintenance_work_mem").scalar == "64MB")
        session.close()
    }
}

@Suite("index-concurrently HNSW")
struct IndexHNSWTests {
    @Test func warnsWhenTheGraphWillNotFitButBuilds() throws {
        let database = try TestDatabase.fresh(extensions: ["vector"])
        defer { database.drop() }
        let connection = try database.connect()
        try createVectorTable(connection, "items", dimensions: 384, rows: 1_500)
        let step = IndexStep(
            name: "items_hnsw", table: "items", method: .hnsw,
            keys: [IndexStep.Key(target: .column("embedding"), opclass: "vector_l2_ops")], maintenanceWorkMem: Units.size("1MB"))
        let run = runIndexStep(step, on: database)
        #expect(run.summary.exitCode == 0, "\(run.sink.messages)")
        #expect(run.sink.saw("more than maintenance_work_mem 1 MB"))
        #expect(run.sink.saw("hnsw graph no longer fits into maintenance_work_mem"), "the server's notice is relayed")
        #expect(try indexValidity(connection, "items_hnsw") == true)
    }
}
