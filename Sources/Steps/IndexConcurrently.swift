public import PlanModel
public import Runner

/// `index-concurrently` (SPEC §3): build one index with CREATE INDEX CONCURRENTLY, after a
/// preflight that refuses builds pgvector would refuse (before they commit an INVALID index),
/// idempotent through the catalog rather than through IF NOT EXISTS, which keeps an INVALID
/// leftover or a different index of the same name without a word.
///
/// Its parts, one idea per file in `Index/`: `IndexSQL` (rendering), `IndexCatalog` (read-only
/// facts), `IndexDefinitionComparison`, `IndexPreflight` (every check before a lock),
/// `IVFFlatMemoryModel` (pgvector's own arithmetic, per version), `HNSWMemoryEstimate`,
/// `VectorColumnType`/`PgvectorVersion`, `IndexBuild` (settings, Ctrl-C, DSM retry, cleanup),
/// `IndexBuildProgressMonitor`, `IndexMigrationRecord` (`record_as:`). Facts and their sources:
/// `shared/reference/pgvector-and-postgres.md`.
public struct IndexConcurrentlyRunner: StepRunner {
    public var connectsToTheDatabase: Bool { true }

    public let step: IndexStep

    public init(_ step: IndexStep) { self.step = step }

    /// What to do about an index that already has the step's name.
    enum Decision: Equatable {
        case build
        case skipValid
        case rebuildInvalid
        case replaceDifferent([String])
        case failInvalid
        case failDifferent([String])
        /// Not valid because another session is building it right now: never dropped.
        case beingBuilt(IndexCatalog.Builder)
        /// `replace:`: build beside, gate, rename, drop (`Index/IndexSwap.swift`).
        case swap(IndexSwap.Decision)
    }

    /// The swap's decision when the step has `replace:` and there is something for it to do.
    private func swapDecision(_ preflight: IndexPreflight, _ connection: PostgresConnection, _ context: StepContext) throws(StepFailure)
        -> (IndexSwapRun, IndexSwap.Decision)?
    {
        guard let run = IndexSwapRun(step, schema: preflight.table?.schema, connection: connection, context: context) else { return nil }
        let decision = try run.decide()
        return decision == .notSwapping ? nil : (run, decision)
    }

    func decide(_ existing: IndexCatalog.ExistingIndex?) -> Decision {
        guard let existing else { return .build }
        if !existing.valid, let builder = existing.builder { return .beingBuilt(builder) }
        if !existing.valid { return step.onInvalid == .rebuild ? .rebuildInvalid : .failInvalid }
        let differences = IndexDefinitionComparison.differences(step: step, existing: existing)
        if differences.isEmpty { return .skipValid }
        return step.onConflict == .replace ? .replaceDifferent(differences) : .failDifferent(differences)
    }

    /// One thing the step does to the index, in order.
    public enum Work: Sendable {
        /// Drop the index of the step's name (INVALID leftover, or replaced).
        case drop(IndexSQL)
        case build(IndexSQL)
        /// `record_as`: mark the migration that holds the same statement as applied.
        case record(LocalMigration)
        /// One action of a `replace:` swap.
        case swap(IndexSwapWork)
    }

    /// The catalog's facts, the preflight's verdict, and then drop / build / record as needed.
    public func plan(_ context: StepContext) throws(StepFailure) -> StepPlan<Work> {
        var plan = StepPlan<Work>(changes: [.index(step.name)], reads: [.index(step.name), .schema])
        guard let connection = try context.planningConnection() else {
            return .offline(
                "would build index \(step.name) on \(step.table) unless it exists and is valid", reads: plan.reads, changes: plan.changes)
        }
        let preflight: IndexPreflight
        do { preflight = try IndexPreflight.inspect(step, on: connection) } catch {
            throw StepFailure(error, doing: "could not read the catalog for index \(step.name)")
        }
        let sql = IndexSQL(step: step, schema: preflight.table?.schema)
        let label = [preflight.table?.schema ?? step.schema, step.name].compactMap { $0 }.joined(separator: ".")
        if !preflight.missing.isEmpty {
            plan.fail(
                StepFailure(
                    "cannot build index \(step.name): " + preflight.missing.joined(separator: "; ")
                        + ". Run the migration that creates it first (a `migrate` step before this one)"),
                unless: .schema)
            plan.act("build index \(label), outside any transaction", sql: settingsPreview + sql.create, .build(sql))
            return plan
        }
        let swapping = try swapDecision(preflight, connection, context)
        let decision = swapping.map { .swap($0.1) } ?? decide(preflight.existing)
        // A valid index that is the one asked for is done, whatever building it anew would need.
        if decision == .skipValid {
            plan.nothingToDo = "index \(label) already exists and is valid: nothing to build"
            try planRecord(&plan, connection)
            return plan
        }
        for note in preflight.notes { plan.note(.info, note) }
        if let summary = preflight.ivfflatSummary() { plan.note(.info, summary) }
        for warning in preflight.warnings { plan.note(.warning, warning) }
        for problem in preflight.problems { plan.fail(StepFailure("cannot build index \(step.name): " + problem)) }
        if let refusal = preflight.ivfflatRefusal(step: step) { plan.fail(StepFailure(refusal + " (nothing was built)")) }
        switch decision {
        case .skipValid:
            return plan
        case .beingBuilt(let builder) where builder.isDeploy && context.dryRun:
            // Under the migration lock a run sees that build finished (valid: skip; failed: rebuild).
            plan.undetermined =
                "index \(label) is being built right now by another deploy (\(builder.description)), not left over by a failed build: a run would wait for the migration lock, then skip it if that build succeeds or rebuild it if it fails"
            return plan
        case .beingBuilt(let builder):
            plan.fail(StepFailure(beingBuiltFailure(label, builder)))
            return plan
        case .failInvalid:
            plan.fail(StepFailure(invalidFailure(label)), unless: .index(step.name))
        case .failDifferent(let differences):
            plan.fail(StepFailure(conflictFailure(label, differences, preflight.existing, sql)), unless: .index(step.name))
        case .rebuildInvalid:
            plan.act("drop index \(label), INVALID (left by an earlier failed build), to rebuild it", sql: sql.drop, .drop(sql))
        case .replaceDifferent(let differences):
            plan.act(
                "drop index \(label), which has another definition (\(differences.joined(separator: "; "))): on_conflict: replace",
                sql: sql.drop, .drop(sql))
        case .build:
            plan.note(.info, "index \(label) does not exist")
        case .swap(.refuse(let reason)):
            plan.fail(StepFailure(reason))
            return plan
        case .swap(let swap):
            if case .run(let actions) = swap, let run = swapping?.0 {
                let differences = preflight.existing.map { IndexDefinitionComparison.differences(step: step, existing: $0) } ?? []
                run.plan(actions, differences: differences, into: &plan)
            }
            try planRecord(&plan, connection)
            return plan
        }
        plan.act("build index \(label), outside any transaction", sql: settingsPreview + sql.create, .build(sql))
        try planRecord(&plan, connection)
        return plan
    }

    private func planRecord(_ plan: inout StepPlan<Work>, _ connection: PostgresConnection) throws(StepFailure) {
        guard let name = step.recordAs else { return }
        let found: (migration: LocalMigration, applied: Bool)
        do throws(StepFailure) { found = try IndexMigrationRecord.find(name, folder: step.migrations, on: connection) } catch {
            // A `generate` step before this one may write it first.
            plan.fail(error, unless: .folder(step.migrations))
            return
        }
        if found.applied {
            plan.note(.info, "migration \(found.migration.name) is already recorded as applied")
        } else {
            plan.act("mark migration \(found.migration.name) as applied (record_as)", .record(found.migration))
        }
    }

    // MARK: - Run

    public func execute(_ plan: StepPlan<Work>, _ context: StepContext) throws(StepFailure) {
        try context.interruption.handling { () throws(StepFailure) in try context.performEach(plan, perform) }
    }

    public func perform(_ work: Work, _ context: StepContext) throws(StepFailure) {
        let connection = try context.session.connectLocked()
        switch work {
        case .drop(let sql):
            do { try connection.query(sql.drop) } catch {
                throw StepFailure(error, doing: "could not drop index \(step.name)")
            }
        case .build(let sql):
            try IndexBuild(step: step, sql: sql, connection: connection, context: context).runConfirmingValid()
        case .record(let migration):
            try IndexMigrationRecord.markApplied(migration, on: connection)
        case .swap(let work):
            try IndexSwapRun(step, schema: work.schema, connection: connection, context: context)?.perform(work.action)
        }
    }

    private var settingsPreview: String {
        var lines: [String] = []
        if let budget = step.maintenanceWorkMem { lines.append("SET maintenance_work_mem = '\(budget.kilobytes)kB';") }
        if let workers = step.parallelWorkers { lines.append("SET max_parallel_maintenance_workers = \(workers);") }
        lines.append("SET lock_timeout = \(step.lockTimeout.map { "'\(Units.postgresMilliseconds($0))'" } ?? "0");")
        return lines.joined(separator: "\n") + "\n"
    }

    private func beingBuiltFailure(_ label: String, _ builder: IndexCatalog.Builder) -> String {
        "index \(label) is not valid yet because another session is building it right now (\(builder.description)): it is not a leftover, so it is not dropped. Wait for that build to finish (pg_stat_progress_create_index), then run again"
    }

    private func invalidFailure(_ label: String) -> String {
        "index \(label) exists but is INVALID (an earlier build failed or was cancelled), and on_invalid is fail: drop it (DROP INDEX CONCURRENTLY \(label)) or set `on_invalid: rebuild`"
    }

    private func conflictFailure(_ label: String, _ differences: [String], _ existing: IndexCatalog.ExistingIndex?, _ sql: IndexSQL)
        -> String
    {
        "index \(label) already exists with another definition (\(differences.joined(separator: "; "))).\n  existing: \(existing?.definition ?? "?")\n  wanted:   \(sql.create)\nRename the step's index, drop the old one in a migration, or set `on_conflict: replace` to drop and rebuild it"
    }
}
