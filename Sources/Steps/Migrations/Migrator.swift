import PlanModel
import Runner
import SQL

/// Applies migrations and keeps `_prisma_migrations` as Prisma would, with fewer round trips and
/// stronger guarantees: a transactional migration, its statements and its history row travel in
/// one message and one transaction, so a crash leaves all of it or none of it.
struct Migrator {
    let connection: PostgresConnection
    let context: StepContext
    /// How its transactional units wait for locks (the step's `lock_timeout`/`lock_retry`).
    var lockSafety: LockSafety = .default

    /// Runs one migration from `firstUnit` (0 unless resuming), reusing `resumingRow` if given.
    func apply(_ prepared: PreparedMigration, resumingRow: HistoryRow? = nil) throws(StepFailure) {
        if prepared.isTransactional && resumingRow == nil {
            try applyAtomically([prepared])
            return
        }
        try applyInUnits(prepared, resumingRow: resumingRow)
    }

    /// Several transactional migrations in one transaction (`transaction: all`), or one alone.
    func applyAtomically(_ batch: [PreparedMigration]) throws(StepFailure) {
        let names = batch.map(\.migration.name)
        let what = batch.count == 1 ? "migration \(names[0])" : "migrations \(names.joined(separator: ", ")) (one transaction)"
        let retry = LockRetry(safety: lockSafety, connection: connection, context: context, what: what)
        var placements: [(migration: Int, statement: Int, offset: Int)] = []
        typealias AttemptFailure = (error: PostgresError, completed: Int)
        let (failure, gaveUp) = retry.run(error: { (failure: AttemptFailure) in failure.error }) { lockTimeout -> AttemptFailure? in
            let (script, placed) = Self.atomicScript(batch, lockTimeout: lockTimeout)
            placements = placed.placements
            let outcome = connection.runScript(script)
            guard let error = outcome.error else { return nil }
            if connection.isConnected, connection.transactionState != .idle { _ = try? connection.execute("ROLLBACK") }
            return (error: error, completed: outcome.completedStatements - placed.ours)
        }
        guard let (error, completed) = failure else {
            for name in names { context.applied(migration: name) }
            return
        }
        if let gaveUp {
            // The transaction rolled back whole and no row was written: nothing to resolve, the
            // next deploy (or the step's `retry:`) simply tries again.
            throw StepFailure(
                "\(what) could not take its locks: \(error.message) \(gaveUp.summary).\n"
                    + "Nothing of it was applied and nothing was recorded in _prisma_migrations, so the next deploy tries it again. "
                    + "End or wait out the blocking session, or give it longer (the migrate step's or settings' `lock_retry: { budget: … }`); "
                    + "lock_timeout: \(lockSafety.summary)",
                postgres: error)
        }

        // The server parses the whole message before running any of it, so a syntax error has a
        // position but no completed statements; otherwise the failing statement is the one after
        // those that completed.
        let failedIndex = Self.failingStatement(error, offsets: placements.map(\.offset), completed: completed)
        let placement = failedIndex >= 0 && failedIndex < placements.count ? placements[failedIndex] : nil
        try recordAtomicFailure(batch, error: error, placement: placement)
    }

    /// The message of an atomic batch: BEGIN, the lock timeout, each migration's statements and
    /// history row, COMMIT; where each statement starts (in characters, to map the server's
    /// error position back to a file line), and how many statements of ours precede the first.
    static func atomicScript(_ batch: [PreparedMigration], lockTimeout: Duration?) -> (
        String, (placements: [(migration: Int, statement: Int, offset: Int)], ours: Int)
    ) {
        var script = "BEGIN;\n"
        var ours = 1
        if let lockTimeout {
            script += "SET LOCAL lock_timeout = '\(Units.postgresMilliseconds(lockTimeout))';\n"
            ours += 1
        }
        var placements: [(migration: Int, statement: Int, offset: Int)] = []
        var characterCount = script.unicodeScalars.count
        var ids: [String] = []
        for (migrationIndex, prepared) in batch.enumerated() {
            for (statementIndex, statement) in prepared.statements.enumerated() {
                placements.append((migrationIndex, statementIndex, characterCount))
                let piece = statement.text + "\n;\n"
                script += piece
                characterCount += piece.unicodeScalars.count
            }
            let id = MigrationHistory.newID()
            ids.append(id)
            let insert =
                MigrationHistory.insertFinishedSQL(
                    id: id, checksum: prepared.checksum, name: prepared.migration.name, steps: 1) + ";\n"
            placements.append((migrationIndex, -1, characterCount))
            script += insert
            characterCount += insert.unicodeScalars.count
        }
        script += "COMMIT;"
        return (script, (placements, ours))
    }

    /// Reports a failed atomic batch as Prisma does: the failing migration's failed row (P3018).
    private func recordAtomicFailure(
        _ batch: [PreparedMigration], error: PostgresError, placement: (migration: Int, statement: Int, offset: Int)?
    ) throws(StepFailure) {
        let failedMigration = batch[placement?.migration ?? 0]
        var location = failedMigration.migration.scriptPath
        if let placement, placement.statement >= 0 {
            let statement = failedMigration.statements[placement.statement]
            location = ErrorLocation.locate(error, in: statement, scriptOffset: placement.offset)
        }
        let failedPosition = placement?.migration ?? 0
        var others = ""
        if failedPosition > 0 {
            others += " The \(failedPosition) migration(s) before it in this transaction were rolled back too."
        }
        if batch.count - failedPosition - 1 > 0 {
            others += " The \(batch.count - failedPosition - 1) after it did not run."
        }
        let logs = Self.prismaLogs(name: failedMigration.migration.name, error: error)
        if connection.isConnected {
            do {
                try MigrationHistory.recordFailedAttempt(
                    name: failedMigration.migration.name, checksum: failedMigration.checksum, logs: logs, on: connection)
            } catch {
                context.say(.warning, "could not record the failure in _prisma_migrations: \(error.message)")
            }
        }
        throw StepFailure(
            "migration \(failedMigration.migration.name) failed: \(error.description)\nNothing of it was applied: its transaction rolled back.\(others) "
                + "The history records it as failed (Prisma's P3018), so no later migration runs until it is resolved. "
                + "Fix the migration, then mark it rolled back (`plan resolve --rolled-back \(ShellQuoting.quote(failedMigration.migration.name))`) and run again.",
            location: location, postgres: error)
    }

    /// A migration with statements that cannot run in a transaction: its units commit one by one,
    /// and the history row records how many did (`applied_steps_count`), so an interruption is
    /// reported precisely and can be resumed.
    private func applyInUnits(_ prepared: PreparedMigration, resumingRow: HistoryRow?) throws(StepFailure) {
        let name = prepared.migration.name
        let id: String
        var firstUnit = 0
        if let resumingRow {
            guard let attempt = resumingRow.failedAttempt else {
                throw StepFailure("cannot resume \(name): its history row is not a failed one; run plan status to see the history")
            }
            id = attempt.id
            firstUnit = resumingRow.appliedStepsCount
            context.say(
                .info, "resuming \(name) at unit \(firstUnit + 1) of \(prepared.units.count): units 1–\(firstUnit) committed earlier")
        } else {
            id = MigrationHistory.newID()
            do {
                try connection.execute(MigrationHistory.insertStartedSQL(id: id, checksum: prepared.checksum, name: name))
            } catch {
                throw StepFailure(error, doing: "could not record the start of \(name)")
            }
        }
        let total = prepared.units.count
        if total == 0 {
            do { try connection.execute(MigrationHistory.finishSQL(id: id, steps: 0)) } catch {
                throw StepFailure(error, doing: "could not record \(name) as finished")
            }
            return
        }
        for unitIndex in firstUnit..<total {
            let unit = prepared.units[unitIndex]
            let committed = unitIndex + 1
            let record =
                committed == total
                ? MigrationHistory.finishSQL(id: id, steps: committed)
                : MigrationHistory.recordProgressSQL(id: id, steps: committed)
            if resumingRow != nil, unitIndex == firstUnit, case .autocommit(let statement) = unit {
                try dropInvalidLeftover(of: statement, migration: name)
            }
            let executor = UnitExecutor(connection: connection)
            let retry = LockRetry(
                safety: lockSafety, connection: connection, context: context, what: "unit \(committed) of \(total) of migration \(name)")
            let (unitFailure, gaveUp) = retry.run(retryable: LockRetry.isRetryable(unit), error: { $0.error }) { lockTimeout in
                executor.run(unit, insideTransaction: record, lockTimeout: lockTimeout)
            }
            guard let failure = unitFailure else {
                // A runner's transaction committed its history record with it; the other units
                // committed on their own and are recorded now. A crash right here leaves the count
                // one behind, which the next run reports as "may have committed".
                if case .transaction = unit { continue }
                do { try connection.execute(record) } catch {
                    throw StepFailure(error, doing: "unit \(committed) of \(name) committed, but recording it failed")
                }
                continue
            }
            let error = failure.error
            let location = failure.location
            if let gaveUp, unitIndex == 0, resumingRow == nil {
                // Nothing of the migration committed: take back the row that said it started,
                // so there is nothing to resolve and the next deploy simply tries again.
                let removed = connection.isConnected && (try? connection.execute(MigrationHistory.deleteSQL(id: id))) != nil
                if removed {
                    throw StepFailure(
                        "migration \(name) could not take its locks in unit 1 of \(total): \(error.message) \(gaveUp.summary).\n"
                            + "Nothing of it was applied and nothing was recorded in _prisma_migrations, so the next deploy tries it again. "
                            + "End or wait out the blocking session, or give it longer (`lock_retry: { budget: … }`); lock_timeout: \(lockSafety.summary)",
                        location: location, postgres: error)
                }
            }
            let blockers = gaveUp.map { " (could not take its locks \($0.summary))" } ?? ""
            let logs = Self.prismaLogs(name: name, error: error)
            if connection.isConnected { try? MigrationHistory.recordFailure(id: id, logs: logs, on: connection) }
            let done = unitIndex == 0 ? "No unit of it had committed" : "Units 1–\(unitIndex) of \(total) committed and stay applied"
            throw StepFailure(
                "migration \(name) failed in unit \(committed) of \(total): \(error.description)\(blockers)\n\(done); unit \(committed) did not. "
                    + "The history records the migration as failed with \(unitIndex) step(s) applied. Fix the cause, then run again with `on_failed: resume` on the migrate step "
                    + "to continue from unit \(committed), or undo units 1–\(unitIndex) by hand and run `plan resolve --rolled-back \(ShellQuoting.quote(name))`.",
                location: location, postgres: error)
        }
        context.applied(migration: name)
    }

    /// The unit a resume starts with may be a `CREATE INDEX CONCURRENTLY` that was interrupted:
    /// the server leaves its INVALID index behind, which `IF NOT EXISTS` would silently keep (and
    /// the history would call the migration finished) and which makes a plain re-run fail with
    /// "already exists". Drop that leftover concurrently so the build runs again.
    private func dropInvalidLeftover(of statement: SQLStatement, migration: String) throws(StepFailure) {
        guard let (index, table) = Self.concurrentIndexTarget(statement.text) else { return }
        do {
            let leftovers = try connection.query(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                    + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE i.indrelid = to_regclass($1) AND c.relname = $2 AND NOT i.indisvalid",
                [table, index])
            guard let qualified = leftovers.scalar else { return }
            context.say(
                .info,
                "\(migration): dropping the INVALID index \(qualified) an interrupted CREATE INDEX CONCURRENTLY left, to build it again")
            try connection.execute("DROP INDEX CONCURRENTLY IF EXISTS \(qualified)")
        } catch {
            throw StepFailure(error, doing: "could not drop the INVALID index \(index) left by the interrupted build")
        }
    }

    /// The index name (as the catalog stores it) and the table (as written, for `to_regclass`) of
    /// `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ON [ONLY] table …`; nil otherwise.
    static func concurrentIndexTarget(_ text: String) -> (index: String, table: String)? {
        let name = #"(?:"(?:[^"]|"")+"|[A-Za-z_\u{80}-\u{10FFFF}][A-Za-z0-9_$\u{80}-\u{10FFFF}]*)"#
        guard
            let regex = try? Regex(
                #"^(?i:create\s+(?:unique\s+)?index\s+concurrently\s+(?:if\s+not\s+exists\s+)?)("#
                    + name + #")\s+(?i:on\s+(?:only\s+)?)("# + name + #"(?:\s*\.\s*"# + name + #")?)"#),
            let match = try? regex.prefixMatch(in: text),
            let indexPart = match.output[1].substring, let tablePart = match.output[2].substring
        else { return nil }
        var index = String(indexPart)
        if index.hasPrefix("\"") {
            index = String(index.dropFirst().dropLast()).replacing("\"\"", with: "\"")
        } else {
            index = index.lowercased()
        }
        return (index, String(tablePart))
    }

    /// Which statement of a script failed: by the server's error position when it gives one,
    /// else the one after those that completed.
    static func failingStatement(_ error: PostgresError, offsets: [Int], completed: Int) -> Int {
        if let position = error.position, let index = offsets.lastIndex(where: { $0 < position }) {
            return index
        }
        return completed
    }

    static func unitLabel(_ unit: SQLUnit) -> String {
        switch unit {
        case .transaction(let statements): "transaction of \(statements.count)"
        case .authorBlock: "the file's own transaction block"
        case .autocommit(let statement): "autocommit (line \(statement.line))"
        }
    }

    /// What Prisma writes to `logs` for a failed migration (its P3018 text), so `prisma migrate
    /// status` and people used to it read the same thing.
    static func prismaLogs(name: String, error: PostgresError) -> String {
        """
        A migration failed to apply. New migrations cannot be applied before the error is recovered from. Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve

        Migration name: \(name)

        Database error code: \(error.sqlState ?? "none")

        Database error:
        \(error.description)
        """
    }
}
