public import PlanModel
public import Runner
import SQL

/// `migrate`: apply pending migrations, Prisma-compatible (SPEC §3).
public struct MigrateRunner: StepRunner {
    public var connectsToTheDatabase: Bool { true }

    public let step: MigrateStep
    /// Folders this run has read, shared with its other steps.
    let folders: MigrationFolderCache

    public init(_ step: MigrateStep, folders: MigrationFolderCache = MigrationFolderCache()) {
        self.step = step
        self.folders = folders
    }

    /// One thing the step does, in order.
    public enum Work: Sendable {
        case createHistoryTable
        /// Mark these migrations applied without running them (`baseline:`).
        case baseline([LocalMigration])
        /// `on_failed: resume` of the one failed migration: from its first unit that did not
        /// commit, or anew when it was atomic (nothing of it committed).
        case resume(PreparedMigration, row: HistoryRow)
        case apply(PreparedMigration)
        /// `transaction: all`: several transactional migrations in one transaction.
        case applyTogether([PreparedMigration])
    }

    /// The history (read under the lock in a run), what stops the step, then each pending
    /// migration with its units, exact SQL and lock settings.
    public func plan(_ context: StepContext) throws(StepFailure) -> StepPlan<Work> {
        let migrations = step.migrations
        var plan = StepPlan<Work>(
            changes: [.history(folder: migrations), .schema], reads: [.history(folder: migrations), .folder(migrations)])
        let folder: MigrationFolder
        do { folder = try folders.folder(at: migrations) } catch { throw StepFailure(error.description) }
        for warning in folder.warnings { plan.note(.warning, warning) }
        if !step.allowEmpty, let problem = folder.emptinessProblem(chosenBy: step.migrationsChosenBy) {
            plan.fail(problem, unless: .folder(migrations))
            return plan
        }
        guard let connection = try context.planningConnection() else {
            return .offline(
                "\(folder.migrations.count) migration(s) in \(migrations) would be checked and the pending ones applied",
                reads: plan.reads, changes: plan.changes)
        }
        let state = try readState(connection, folder)
        var diagnosis = state.diagnosis

        if !diagnosis.hasTable {
            if let baseline = step.baseline {
                guard let index = folder.migrations.firstIndex(where: { $0.name == baseline }) else {
                    plan.fail(StepFailure(MigrationError.unknownMigration(name: baseline, folder: folder.path).description))
                    return plan
                }
                let baselined = Array(folder.migrations[...index])
                plan.act(
                    "baseline: create _prisma_migrations and mark \(baselined.count) migration(s) up to \(baseline) as applied without running them",
                    .baseline(baselined))
                let names = Set(baselined.map(\.name))
                diagnosis.pending.removeAll { names.contains($0.name) }
            } else if !state.userTables.isEmpty {
                plan.fail(StepFailure(Self.notEmptyMessage(state.userTables)), unless: .schema)
                return plan
            } else {
                plan.act("create _prisma_migrations", sql: MigrationHistory.createTableSQL, .createHistoryTable)
            }
        }

        if step.onFailed == .resume, diagnosis.failed.count == 1, let failedRow = diagnosis.failed.first,
            let local = folder.migration(named: failedRow.migrationName)
        {
            let prepared: PreparedMigration
            do throws(StepFailure) { prepared = try PreparedMigration.prepare(local) } catch {
                plan.fail(error)
                return plan
            }
            guard prepared.checksum == failedRow.checksum || MigrationChecksum.matches(failedRow.checksum, bytes: local.script ?? []) else {
                plan.fail(
                    StepFailure(
                        "cannot resume \(local.name): its migration.sql changed since the failed attempt, so the committed units may not match the file; resolve it by hand (`plan resolve --rolled-back \(ShellQuoting.quote(local.name))`)",
                        location: local.scriptPath))
                return plan
            }
            let summary =
                prepared.isTransactional
                ? "resume \(local.name): nothing of it committed, so mark the failed attempt rolled back and apply it anew, "
                    + Self.describe(prepared, step)
                : "resume \(local.name) at unit \(failedRow.appliedStepsCount + 1) of \(prepared.units.count): units 1–\(failedRow.appliedStepsCount) committed earlier"
            plan.act(summary, sql: Self.sql(of: prepared), location: local.scriptPath, .resume(prepared, row: failedRow))
            diagnosis.failed.removeAll()
        }

        if let problem = blockingProblem(diagnosis, folder: folder, rows: state.rows) {
            plan.fail(StepFailure(problem.message, location: problem.location), unless: .history(folder: migrations))
            return plan
        }
        for note in driftWarnings(diagnosis) { plan.notes.append(note) }
        let pending: [LocalMigration]
        do throws(StepFailure) { pending = try pendingMigrations(diagnosis, folder: folder) } catch {
            plan.fail(error)
            return plan
        }
        guard !pending.isEmpty else {
            if plan.actions.isEmpty {
                plan.nothingToDo = "no pending migrations: the database is up to date with \(migrations)"
            }
            return plan
        }
        var prepared: [PreparedMigration] = []
        for migration in pending {
            do throws(StepFailure) { prepared.append(try PreparedMigration.prepare(migration)) } catch {
                if step.transaction == .perMigration && !step.validateFirst {
                    // As Prisma applies them: the ones before it apply, and the run stops there.
                    plan.failsAfterActions = error
                    break
                }
                plan.fail(error)
                return plan
            }
        }
        plan.note(.info, "\(pending.count) pending migration(s) in \(migrations)")
        for migration in prepared {
            for note in migration.notes {
                plan.note(.warning, note.message, location: "\(note.file):\(note.line):\(note.column)")
            }
        }
        if context.dryRun {
            plan.findings = try RiskReport.findings(
                for: prepared.map { ($0.statements, $0.trailingTrivia) }, acknowledged: step.acknowledge, on: connection)
        }
        if step.transaction == .all {
            var batch: [PreparedMigration] = []
            func flush(_ plan: inout StepPlan<Work>) {
                guard !batch.isEmpty else { return }
                if batch.count == 1 {
                    plan.act(
                        Self.applySummary(batch[0], step), sql: Self.sql(of: batch[0]), location: batch[0].migration.scriptPath,
                        .apply(batch[0]))
                } else {
                    plan.act(
                        "apply \(batch.count) migrations in one transaction with their history rows: "
                            + batch.map(\.migration.name).joined(separator: ", ") + "; " + step.lockSafety.summary,
                        sql: batch.map { "-- \($0.migration.name)\n" + Self.sql(of: $0) }.joined(separator: "\n"), .applyTogether(batch))
                }
                batch.removeAll()
            }
            for migration in prepared {
                if migration.isTransactional {
                    batch.append(migration)
                    // A value added by ALTER TYPE … ADD VALUE cannot be used before its
                    // transaction commits, and a later migration usually does use it.
                    if migration.addsEnumValue { flush(&plan) }
                    continue
                }
                flush(&plan)
                plan.act(
                    Self.applySummary(migration, step), sql: Self.sql(of: migration), location: migration.migration.scriptPath,
                    .apply(migration))
            }
            flush(&plan)
        } else {
            for migration in prepared {
                plan.act(
                    Self.applySummary(migration, step), sql: Self.sql(of: migration), location: migration.migration.scriptPath,
                    .apply(migration))
            }
        }
        return plan
    }

    /// Commits are made durable once, at the end, and only if something was written: a run with
    /// nothing pending pays no flush. Success is reported only after the flush.
    public func execute(_ plan: StepPlan<Work>, _ context: StepContext) throws(StepFailure) {
        let durability = DurabilityScope(connection: try context.session.connectLocked())
        durability.begin()
        do { try context.performEach(plan, perform) } catch {
            durability.flushAfterFailure()
            throw error
        }
        try durability.flush()
    }

    public func perform(_ work: Work, _ context: StepContext) throws(StepFailure) {
        let connection = try context.session.connectLocked()
        let migrator = Migrator(connection: connection, context: context, lockSafety: step.lockSafety)
        switch work {
        case .createHistoryTable:
            do { try MigrationHistory.ensureTable(on: connection) } catch {
                throw StepFailure(error, doing: "could not create _prisma_migrations")
            }
        case .baseline(let migrations):
            do { try MigrationHistory.ensureTable(on: connection) } catch {
                throw StepFailure(error, doing: "could not create _prisma_migrations")
            }
            for migration in migrations { try ResolveRunner.markApplied(migration, on: connection) }
        case .resume(let prepared, let row):
            if prepared.isTransactional {
                try ResolveRunner.markRolledBack(row.migrationName, on: connection)
                try migrator.apply(prepared)
            } else {
                try migrator.apply(prepared, resumingRow: row)
            }
        case .apply(let prepared):
            try migrator.apply(prepared)
        case .applyTogether(let batch):
            try migrator.applyAtomically(batch)
        }
    }

    /// e.g. "apply 2024…_init in one transaction with its history row (3 statement(s)); lock_timeout …".
    static func applySummary(_ prepared: PreparedMigration, _ step: MigrateStep) -> String {
        "apply \(prepared.migration.name) " + describe(prepared, step)
    }

    static func describe(_ prepared: PreparedMigration, _ step: MigrateStep) -> String {
        let units = Array(zip(prepared.units, prepared.describeUnits()))
        if prepared.isTransactional, let (unit, description) = units.first {
            return description.title + "; " + LockRetry.preview(unit, step.lockSafety)
        }
        return "in \(prepared.units.count) unit(s); statements that cannot run in a transaction run alone:\n"
            + units.map { unit, description in "  " + description.title + "; " + LockRetry.preview(unit, step.lockSafety) }
            .joined(separator: "\n")
    }

    static func sql(of prepared: PreparedMigration) -> String {
        prepared.describeUnits().map(\.sql).joined(separator: "\n")
    }

    // MARK: - Reading state

    struct State {
        var rows: [HistoryRow]
        var diagnosis: HistoryDiagnosis
        var userTables: [String]
    }

    private func readState(_ connection: PostgresConnection, _ folder: MigrationFolder) throws(StepFailure) -> State {
        do {
            let (hasTable, rows) = try MigrationHistory.read(from: connection)
            let tables = hasTable ? [] : try MigrationHistory.userTables(on: connection)
            return State(rows: rows, diagnosis: HistoryDiagnosis(folder: folder, rows: rows, hasTable: hasTable), userTables: tables)
        } catch {
            throw StepFailure(error, doing: "could not read _prisma_migrations")
        }
    }

    private func pendingMigrations(_ diagnosis: HistoryDiagnosis, folder: MigrationFolder) throws(StepFailure) -> [LocalMigration] {
        guard let to = step.to else { return diagnosis.pending }
        guard folder.migration(named: to) != nil else {
            throw StepFailure(MigrationError.unknownMigration(name: to, folder: folder.path).description)
        }
        // `to` already applied: nothing up to it is pending; later ones wait.
        guard let stop = diagnosis.pending.firstIndex(where: { $0.name == to }) else {
            return diagnosis.pending.filter { Array($0.name.utf8).lexicographicallyPrecedes(Array(to.utf8)) }
        }
        return Array(diagnosis.pending[...stop])
    }

    /// What stops a migrate before it writes anything: a failed migration (P3009) or drift.
    func blockingProblem(_ diagnosis: HistoryDiagnosis, folder: MigrationFolder, rows: [HistoryRow]) -> (
        message: String, location: String?
    )? {
        if let failed = diagnosis.failed.first {
            let local = folder.migration(named: failed.migrationName)
            var text =
                "migration \(failed.migrationName) failed earlier (started \(failed.failedAttempt?.startedAt ?? "at an unknown time")) and is not resolved, so no migration is applied (Prisma's P3009)."
            if let local, let prepared = try? PreparedMigration.prepare(local), !prepared.isTransactional {
                let committed = failed.appliedStepsCount
                let units = prepared.units
                text += "\n\(committed) of its \(units.count) unit(s) committed"
                if committed < units.count {
                    let next = units[committed].statements.first
                    text += "; unit \(committed + 1) (line \(next?.line ?? 0)) did not finish"
                    if case .autocommit = units[committed] {
                        text += " — if the run was interrupted, check whether it took effect before resuming"
                    }
                }
                text += ".\nTo continue from unit \(committed + 1), add `on_failed: resume` to the migrate step."
            }
            if let logs = failed.failedAttempt?.logs, !logs.isEmpty {
                text +=
                    "\nIts error: "
                    + (logs.split(separator: "Database error:\n", omittingEmptySubsequences: false).last.map(String.init) ?? logs)
            } else {
                text += "\nNo error was recorded: the run that applied it was interrupted."
            }
            text +=
                "\nOnce the database is as it should be, resolve it with one of these steps (or `plan resolve`):\n"
                + "  - resolve: { rolled_back: \(Self.yamlScalar(failed.migrationName)) }   # it had no effect; apply it again\n"
                + "  - resolve: { applied: \(failed.migrationName) }       # you completed it by hand"
            return (text, local?.scriptPath)
        }
        if let missing = diagnosis.withoutScript.first(where: { m in diagnosis.pending.contains { $0.name == m.name } }) {
            return (MigrationError.missingScript(name: missing.name, path: missing.scriptPath).description, missing.directory)
        }
        if step.onDrift == .fail, let edited = diagnosis.edited.first {
            return (Self.driftMessage(edited) + " (the step says `on_drift: fail`)", edited.scriptPath)
        }
        return nil
    }

    /// Drift does not stop Prisma's deploy, so by default it does not stop plan's either; but it
    /// is said loudly, once per edited migration, before anything is applied.
    func driftWarnings(_ diagnosis: HistoryDiagnosis) -> [Message] {
        guard step.onDrift == .warn else { return [] }
        return diagnosis.edited.map { edited in
            Message(
                .warning, Self.driftMessage(edited) + "; going on as `prisma migrate deploy` does (`on_drift: fail` stops instead)",
                location: edited.scriptPath)
        }
    }

    static func driftMessage(_ edited: LocalMigration) -> String {
        "migration \(edited.name) was changed after it was applied: its checksum no longer matches the one in _prisma_migrations. "
            + "Restore the file as it was applied (git log -p \(edited.scriptPath))"
    }

    static func notEmptyMessage(_ tables: [String]) -> String {
        let shown = tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", …" : "")
        return "the database schema is not empty (\(shown)) and has no _prisma_migrations table (Prisma's P3005). "
            + "To adopt an existing database, baseline it: set `baseline: <the migration that matches the current schema>` on the migrate step, "
            + "or run `plan resolve --applied <name>` for each migration already reflected in the schema"
    }

    /// A name from the database as a YAML scalar: as it is when plain, else quoted.
    private static func yamlScalar(_ name: String) -> String {
        let plain = !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }
        return plain ? name : JSONString.quoted(name)
    }

}
