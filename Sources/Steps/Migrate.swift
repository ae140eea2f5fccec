public import PlanModel
public import Runner
import SQL

/// `migrate`: apply pending migrations, Prisma-compatible (SPEC §3).
public struct MigrateRunner: StepRunner {
    public var connectsToTheDatabase: Bool { true }

    public let step: MigrateStep
    /// Folders this run has read, shared with its other steps.
    let folders: MigrationFolderCache
    /// The history this step leaves unchanged, for a verify right after it.
    let history: MigrationHistoryCache

    public init(
        _ step: MigrateStep, folders: MigrationFolderCache = MigrationFolderCache(),
        history: MigrationHistoryCache = MigrationHistoryCache()
    ) {
        self.step = step
        self.folders = folders
        self.history = history
    }

    public func preview(_ context: StepContext) throws(StepFailure) -> StepOutcome {
        let folder = try loadFolder(context)
        guard let connection = try context.session.connectForPreview() else {
            context.say(
                .info,
                "offline: \(folder.migrations.count) migration(s) in \(step.migrations) would be checked and the pending ones applied")
            return .wouldRun
        }
        let state = try readState(connection, folder)
        if let problem = blockingProblem(state.diagnosis, folder: folder, rows: state.rows) {
            context.say(.error, problem.message, location: problem.location)
            return .wouldFail
        }
        warnAboutDrift(state.diagnosis, context: context)
        let pending = try pendingMigrations(state.diagnosis, folder: folder)
        if !state.diagnosis.hasTable, state.userTables.count > 0, step.baseline == nil {
            context.say(.error, Self.notEmptyMessage(state.userTables))
            return .wouldFail
        }
        guard !pending.isEmpty else {
            context.say(.info, "no pending migrations: the database is up to date with \(step.migrations)")
            return .skipped
        }
        context.say(.info, "\(pending.count) pending migration(s) would be applied, in this order:")
        for migration in pending {
            let prepared: PreparedMigration
            do throws(StepFailure) { prepared = try PreparedMigration.prepare(migration) } catch {
                context.say(.error, error.message, location: error.location)
                return .wouldFail
            }
            let mode =
                prepared.isTransactional
                ? (step.transaction == .all ? "in the run's single transaction" : "in one transaction, atomic with its history row")
                : "in \(prepared.units.count) unit(s); statements that cannot run in a transaction run alone"
            context.say(.info, "\(migration.name): \(mode)", location: migration.scriptPath)
            for note in prepared.notes { context.say(.warning, note.message, location: "\(note.file):\(note.line):\(note.column)") }
            for (unit, description) in zip(prepared.units, prepared.describeUnits()) {
                context.say(.info, description.title + "; " + LockRetry.preview(unit, step.lockSafety), sql: description.sql)
            }
            context.report(
                try RiskReport.findings(
                    for: prepared.statements, trailingTrivia: prepared.trailingTrivia, acknowledged: step.acknowledge, on: connection))
        }
        return .wouldRun
    }

    public func execute(_ context: StepContext) throws(StepFailure) -> StepOutcome {
        let folder = try loadFolder(context)
        let (connection, existence) = try context.session.connectLocked(thenAsking: MigrationHistory.existsQuery)
        // Commits are made durable once, at the end, and only if something was written: a
        // run with nothing pending pays no flush. Success is reported only after the flush.
        let durability = DurabilityScope(connection: connection)
        let outcome: StepOutcome
        do {
            outcome = try apply(
                folder: folder, connection: connection, durability: durability, context: context,
                tableExists: existence.map { $0.scalar == "t" })
        } catch {
            durability.flushAfterFailure()
            throw error
        }
        try durability.flush()
        return outcome
    }

    /// `tableExists`: what the message that took the lock found, if it asked.
    private func apply(
        folder: MigrationFolder, connection: PostgresConnection, durability: DurabilityScope, context: StepContext,
        tableExists: Bool?
    ) throws(StepFailure) -> StepOutcome {
        var state = try readState(connection, folder, tableExists: tableExists)

        if !state.diagnosis.hasTable {
            if let baseline = step.baseline {
                durability.begin()
                try applyBaseline(baseline, folder: folder, connection: connection, context: context)
                state = try readState(connection, folder)
            } else if !state.userTables.isEmpty {
                throw StepFailure(Self.notEmptyMessage(state.userTables))
            } else {
                do { try MigrationHistory.ensureTable(on: connection) } catch {
                    throw StepFailure(error, doing: "could not create _prisma_migrations")
                }
            }
        }

        let migrator = Migrator(connection: connection, context: context, lockSafety: step.lockSafety)
        if !state.diagnosis.failed.isEmpty || !state.diagnosis.pending.isEmpty { durability.begin() }
        var resumed = 0
        if step.onFailed == .resume, let failedRow = state.diagnosis.failed.first, state.diagnosis.failed.count == 1,
            let local = folder.migration(named: failedRow.migrationName)
        {
            let prepared = try PreparedMigration.prepare(local)
            guard prepared.checksum == failedRow.checksum || MigrationChecksum.matches(failedRow.checksum, bytes: local.script ?? []) else {
                throw StepFailure(
                    "cannot resume \(local.name): its migration.sql changed since the failed attempt, so the committed units may not match the file; resolve it by hand (`plan resolve --rolled-back \(ShellQuoting.quote(local.name))`)",
                    location: local.scriptPath)
            }
            if prepared.isTransactional {
                // Nothing of an atomic migration committed: mark the attempt rolled back and apply it anew.
                try ResolveRunner.markRolledBack(failedRow.migrationName, on: connection)
                try migrator.apply(prepared)
            } else {
                try migrator.apply(prepared, resumingRow: failedRow)
            }
            resumed = 1
            state = try readState(connection, folder)
        }

        if let problem = blockingProblem(state.diagnosis, folder: folder, rows: state.rows) {
            throw StepFailure(problem.message, location: problem.location)
        }
        warnAboutDrift(state.diagnosis, context: context)
        let pending = try pendingMigrations(state.diagnosis, folder: folder)
        guard !pending.isEmpty else {
            if resumed == 0 {
                // Read once, under the lock, and nothing written since.
                if state.diagnosis.hasTable { history.remember(hasTable: true, rows: state.rows, readBy: context.index) }
                context.say(.info, "no pending migrations: the database is up to date with \(step.migrations)")
            }
            return resumed > 0 ? .done : .skipped
        }
        if step.transaction == .perMigration && !step.validateFirst {
            // One at a time, as Prisma applies them: a migration that cannot be read or split
            // stops the run where it is, after the ones before it applied.
            for migration in pending { try migrator.apply(try PreparedMigration.prepare(migration)) }
            return .done
        }
        var prepared: [PreparedMigration] = []
        for migration in pending { prepared.append(try PreparedMigration.prepare(migration)) }

        if step.transaction == .all {
            var batch: [PreparedMigration] = []
            for migration in prepared {
                if migration.isTransactional {
                    batch.append(migration)
                    // A value added by ALTER TYPE … ADD VALUE cannot be used before its
                    // transaction commits, and a later migration usually does use it.
                    if migration.addsEnumValue {
                        try migrator.applyAtomically(batch)
                        batch.removeAll()
                    }
                    continue
                }
                if !batch.isEmpty {
                    try migrator.applyAtomically(batch)
                    batch.removeAll()
                }
                try migrator.apply(migration)
            }
            if !batch.isEmpty { try migrator.applyAtomically(batch) }
            context.say(.info, "applied \(prepared.count) migration(s): " + prepared.map(\.migration.name).joined(separator: ", "))
        } else {
            for migration in prepared { try migrator.apply(migration) }
        }
        return .done
    }

    // MARK: - Reading state

    struct State {
        var rows: [HistoryRow]
        var diagnosis: HistoryDiagnosis
        var userTables: [String]
    }

    private func loadFolder(_ context: StepContext) throws(StepFailure) -> MigrationFolder {
        let folder: MigrationFolder
        do { folder = try folders.folder(at: step.migrations) } catch { throw StepFailure(error.description) }
        for warning in folder.warnings { context.say(.warning, warning) }
        if !step.allowEmpty, let problem = folder.emptinessProblem(chosenBy: step.migrationsChosenBy) { throw problem }
        return folder
    }

    private func readState(_ connection: PostgresConnection, _ folder: MigrationFolder, tableExists: Bool? = nil) throws(StepFailure)
        -> State
    {
        do {
            let (hasTable, rows) = try MigrationHistory.read(from: connection, exists: tableExists)
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
    func warnAboutDrift(_ diagnosis: HistoryDiagnosis, context: StepContext) {
        guard step.onDrift == .warn else { return }
        for edited in diagnosis.edited {
            context.say(
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

    private func applyBaseline(_ baseline: String, folder: MigrationFolder, connection: PostgresConnection, context: StepContext)
        throws(StepFailure)
    {
        guard let index = folder.migrations.firstIndex(where: { $0.name == baseline }) else {
            throw StepFailure(MigrationError.unknownMigration(name: baseline, folder: folder.path).description)
        }
        do { try MigrationHistory.ensureTable(on: connection) } catch {
            throw StepFailure(error, doing: "could not create _prisma_migrations")
        }
        for migration in folder.migrations[...index] {
            try ResolveRunner.markApplied(migration, on: connection)
        }
        context.say(.info, "baselined: marked \(index + 1) migration(s) up to \(baseline) as applied without running them")
    }

    /// A name from the database as a YAML scalar: as it is when plain, else quoted.
    private static func yamlScalar(_ name: String) -> String {
        let plain = !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }
        return plain ? name : JSONString.quoted(name)
    }

}
