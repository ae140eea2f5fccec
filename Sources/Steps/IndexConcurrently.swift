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

    // MARK: - Dry-run

    public func preview(_ context: StepContext) throws(StepFailure) -> StepOutcome {
        let unresolved = IndexSQL(step: step)
        guard let connection = try context.session.connectForPreview() else {
            context.say(.info, "offline: would build index \(step.name) on \(step.table)", sql: unresolved.create)
            return .wouldRun
        }
        let preflight: IndexPreflight
        do { preflight = try IndexPreflight.inspect(step, on: connection) } catch {
            throw StepFailure(error, doing: "could not read the catalog for index \(step.name)")
        }
        let sql = IndexSQL(step: step, schema: preflight.table?.schema)
        if !preflight.missing.isEmpty {
            context.say(
                .info,
                preflight.missing.joined(separator: "; ")
                    + " yet: if a pending migration creates it, the preflight (columns, pgvector, memory) runs when the step does",
                sql: sql.create)
            return .wouldRun
        }
        let label = "\(preflight.table?.schema ?? "").\(step.name)"
        let swapping = try swapDecision(preflight, connection, context)
        let decision = swapping.map { .swap($0.1) } ?? decide(preflight.existing)
        // A valid index that is the one asked for is done, whatever building it anew would need.
        if decision == .skipValid {
            context.say(.info, "index \(label) already exists and is valid: would skip")
            previewRecord(connection, context)
            return .skipped
        }
        report(preflight, context)
        if !preflight.problems.isEmpty {
            for problem in preflight.problems { context.say(.error, problem) }
            return .wouldFail
        }
        if let refusal = preflight.ivfflatRefusal(step: step) {
            context.say(.error, refusal)
            return .wouldFail
        }
        switch decision {
        case .skipValid:
            return .skipped
        case .beingBuilt(let builder) where builder.isDeploy:
            context.say(
                .info,
                "index \(label) is being built right now by another deploy (\(builder.description)), not left over by a failed build: a run would wait for the migration lock, then skip it if that build succeeds or rebuild it if it fails"
            )
            return .wouldRun
        case .beingBuilt(let builder):
            context.say(.error, beingBuiltFailure(label, builder))
            return .wouldFail
        case .failInvalid:
            context.say(.error, invalidFailure(label))
            return .wouldFail
        case .failDifferent(let differences):
            context.say(.error, conflictFailure(label, differences, preflight.existing, sql))
            return .wouldFail
        case .rebuildInvalid:
            context.say(
                .info, "index \(label) exists but is INVALID (left by an earlier failed build): would drop it and rebuild", sql: sql.drop)
        case .replaceDifferent(let differences):
            context.say(
                .info,
                "index \(label) exists with another definition (\(differences.joined(separator: "; "))): on_conflict: replace, so it would be dropped and rebuilt",
                sql: sql.drop)
        case .build:
            context.say(.info, "index \(label) does not exist: would build it")
        case .swap(.refuse(let reason)):
            context.say(.error, reason)
            return .wouldFail
        case .swap(let swap):
            if case .run(let actions) = swap {
                swapping?.0.preview(
                    actions, differences: preflight.existing.map { IndexDefinitionComparison.differences(step: step, existing: $0) } ?? [])
            }
            previewRecord(connection, context)
            return .wouldRun
        }
        context.say(.info, "would run, outside any transaction:", sql: settingsPreview + sql.create)
        previewRecord(connection, context)
        return .wouldRun
    }

    private var settingsPreview: String {
        var lines: [String] = []
        if let budget = step.maintenanceWorkMem { lines.append("SET maintenance_work_mem = '\(budget.kilobytes)kB';") }
        if let workers = step.parallelWorkers { lines.append("SET max_parallel_maintenance_workers = \(workers);") }
        lines.append("SET lock_timeout = \(step.lockTimeout.map { "'\(Units.postgresMilliseconds($0))'" } ?? "0");")
        return lines.joined(separator: "\n") + "\n"
    }

    private func previewRecord(_ connection: PostgresConnection, _ context: StepContext) {
        guard let name = step.recordAs else { return }
        if (try? IndexMigrationRecord.isApplied(name, on: connection)) == true {
            context.say(.info, "migration \(name) is already recorded as applied")
        } else {
            context.say(.info, "would then mark migration \(name) as applied (record_as)")
        }
    }

    private func report(_ preflight: IndexPreflight, _ context: StepContext) {
        for note in preflight.notes { context.say(.info, note) }
        if let summary = preflight.ivfflatSummary() { context.say(.info, summary) }
        for warning in preflight.warnings { context.say(.warning, warning) }
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

    // MARK: - Run

    public func execute(_ context: StepContext) throws(StepFailure) -> StepOutcome {
        let connection = try context.session.connectLocked()
        return try context.interruption.handling { () throws(StepFailure) -> StepOutcome in
            try build(on: connection, context)
        }
    }

    private func build(on connection: PostgresConnection, _ context: StepContext) throws(StepFailure) -> StepOutcome {
        let preflight: IndexPreflight
        do { preflight = try IndexPreflight.inspect(step, on: connection) } catch {
            throw StepFailure(error, doing: "could not read the catalog for index \(step.name)")
        }
        if !preflight.missing.isEmpty {
            throw StepFailure(
                "cannot build index \(step.name): " + preflight.missing.joined(separator: "; ")
                    + ". Run the migration that creates it first (a `migrate` step before this one)")
        }
        let sql = IndexSQL(step: step, schema: preflight.table?.schema)
        let label = "\(sql.schema ?? "").\(step.name)"
        let swapping = try swapDecision(preflight, connection, context)
        let decision = swapping.map { .swap($0.1) } ?? decide(preflight.existing)
        // A valid index that is the one asked for is done, whatever building it anew would need.
        if decision == .skipValid {
            context.say(.info, "skipped: index \(label) already exists and is valid")
            let recorded = try record(connection, context)
            return recorded ? .done : .skipped
        }
        report(preflight, context)
        if !preflight.problems.isEmpty {
            throw StepFailure("cannot build index \(step.name): " + preflight.problems.joined(separator: "; "))
        }
        if let refusal = preflight.ivfflatRefusal(step: step) {
            throw StepFailure(refusal + " (nothing was built)")
        }
        let builder = IndexBuild(step: step, sql: sql, connection: connection, context: context)

        switch decision {
        case .skipValid:
            return .skipped
        case .beingBuilt(let builder):
            throw StepFailure(beingBuiltFailure(label, builder))
        case .failInvalid:
            throw StepFailure(invalidFailure(label))
        case .failDifferent(let differences):
            throw StepFailure(conflictFailure(label, differences, preflight.existing, sql))
        case .rebuildInvalid:
            context.say(.info, "index \(label) is INVALID (left by an earlier failed build): dropping it to rebuild")
            try drop(sql, connection)
        case .replaceDifferent(let differences):
            context.say(
                .info, "index \(label) has another definition (\(differences.joined(separator: "; "))): replacing it (on_conflict: replace)"
            )
            try drop(sql, connection)
        case .build:
            break
        case .swap(.refuse(let reason)):
            throw StepFailure(reason)
        case .swap(let swap):
            if case .run(let actions) = swap { try swapping?.0.execute(actions) }
            _ = try record(connection, context)
            return .done
        }

        context.say(.info, "building index \(label)", sql: sql.create)
        let elapsed = try builder.run()

        let built: IndexCatalog.ExistingIndex?
        do { built = try IndexCatalog(connection: connection).existingIndex(schema: sql.schema ?? "public", name: step.name) } catch {
            throw StepFailure(error, doing: "could not check index \(step.name) after building it")
        }
        guard let built, built.valid else {
            throw StepFailure(
                "CREATE INDEX CONCURRENTLY of \(label) returned, but the index is \(built == nil ? "missing" : "INVALID"); re-run the step to rebuild it"
            )
        }
        context.say(.info, "built index \(label) in \(Units.elapsed(seconds: Units.seconds(of: elapsed)))")
        _ = try record(connection, context)
        return .done
    }

    private func drop(_ sql: IndexSQL, _ connection: PostgresConnection) throws(StepFailure) {
        do { try connection.query(sql.drop) } catch {
            throw StepFailure(error, doing: "could not drop index \(step.name)")
        }
    }

    private func record(_ connection: PostgresConnection, _ context: StepContext) throws(StepFailure) -> Bool {
        guard let name = step.recordAs else { return false }
        return try IndexMigrationRecord.markApplied(name, folder: step.migrations, on: connection, context: context)
    }
}
