public import PlanModel
public import Runner
import SQL

/// `resolve`: Prisma's `migrate resolve`. As a plan step it is idempotent: when the history
/// already says what the step asks, it is skipped, so a plan can be re-run.
public struct ResolveRunner: StepRunner {
    public var connectsToTheDatabase: Bool { true }

    public let step: ResolveStep
    /// The CLI's `plan resolve` follows Prisma to the letter and refuses a no-op (P3008, P3012).
    public let strict: Bool

    public init(_ step: ResolveStep, strict: Bool = false) {
        self.step = step
        self.strict = strict
    }

    public func preview(_ context: StepContext) throws(StepFailure) -> StepOutcome {
        let name = step.mark.migrationName
        guard let connection = try context.session.connectForPreview() else {
            context.say(.info, "would mark \(name) \(verb)")
            return .wouldRun
        }
        do {
            let rows = try MigrationHistory.load(from: connection).filter { $0.migrationName == name }
            switch try decide(rows: rows) {
            case .nothingToDo(let why):
                context.say(.info, why)
                return .skipped
            case .write:
                context.say(.info, "would mark \(name) \(verb)")
                return .wouldRun
            }
        } catch let failure as StepFailure {
            context.say(.error, failure.message)
            return .wouldFail
        } catch {
            throw StepFailure("could not read _prisma_migrations: \(error)")
        }
    }

    public func execute(_ context: StepContext) throws(StepFailure) -> StepOutcome {
        let name = step.mark.migrationName
        let connection = try context.session.connectLocked()
        let rows: [HistoryRow]
        do { rows = try MigrationHistory.load(from: connection).filter { $0.migrationName == name } } catch {
            throw StepFailure(error, doing: "could not read _prisma_migrations")
        }
        if case .nothingToDo(let why) = try decide(rows: rows) {
            context.say(.info, why)
            return .skipped
        }
        switch step.mark {
        case .applied:
            let folder: MigrationFolder
            do { folder = try MigrationFolder.load(step.migrations) } catch { throw StepFailure(error.description) }
            guard let local = folder.migration(named: name) else {
                throw StepFailure(MigrationError.unknownMigration(name: name, folder: step.migrations).description)
            }
            do { try MigrationHistory.ensureTable(on: connection) } catch {
                throw StepFailure(error, doing: "could not create _prisma_migrations")
            }
            try Self.markApplied(local, on: connection)
            context.say(.info, "Migration \(name) marked as applied.")
        case .rolledBack:
            try Self.markRolledBack(name, on: connection)
            context.say(.info, "Migration \(name) marked as rolled back.")
        }
        return .done
    }

    private var verb: String {
        if case .applied = step.mark { return "as applied" }
        return "as rolled back"
    }

    enum Decision {
        case write
        case nothingToDo(String)
    }

    /// Prisma's rules (P3008, P3011, P3012), relaxed to no-ops in plans where the history
    /// already says what is asked.
    func decide(rows: [HistoryRow]) throws(StepFailure) -> Decision {
        let name = step.mark.migrationName
        switch step.mark {
        case .applied:
            if rows.contains(where: \.isFinished) {
                let message = "The migration `\(name)` is already recorded as applied in the database (Prisma's P3008)."
                if strict { throw StepFailure(message) }
                return .nothingToDo("\(name) is already recorded as applied: nothing to do")
            }
            return .write
        case .rolledBack:
            if rows.isEmpty {
                throw StepFailure(
                    "Migration `\(name)` cannot be rolled back because it was never applied to the database (Prisma's P3011). Did you pass the whole migration name?"
                )
            }
            if !rows.contains(where: \.isFailed) {
                if rows.allSatisfy(\.isFinished) {
                    let message = "Migration `\(name)` cannot be rolled back because it is not in a failed state (Prisma's P3012)."
                    if strict { throw StepFailure(message) }
                    // A plan that resolves then re-applies sees the new applied row next time.
                    return .nothingToDo("\(name) is not in a failed state: nothing to roll back")
                }
                return .nothingToDo("\(name) is already marked as rolled back: nothing to do")
            }
            return .write
        }
    }

    /// Prisma's `resolve --applied`: failed rows are marked rolled back, then a finished row is
    /// inserted with `logs = ''` and `applied_steps_count = 0`, in one transaction.
    static func markApplied(_ migration: LocalMigration, on connection: PostgresConnection) throws(StepFailure) {
        guard let script = migration.script else {
            throw StepFailure(MigrationError.unknownMigration(name: migration.name, folder: migration.directory).description)
        }
        let id = MigrationHistory.newID()
        let name = SQLQuoting.literal(migration.name)
        let outcome = connection.runScript(
            """
            BEGIN;
            UPDATE _prisma_migrations SET rolled_back_at = clock_timestamp()
              WHERE migration_name = \(name) AND finished_at IS NULL AND rolled_back_at IS NULL;
            INSERT INTO _prisma_migrations (id, checksum, logs, started_at, finished_at, migration_name, applied_steps_count)
              SELECT \(SQLQuoting.literal(id)), \(SQLQuoting.literal(MigrationChecksum.of(script))), '', t, t, \(name), 0
              FROM (SELECT clock_timestamp() AS t) AS now;
            COMMIT;
            """)
        if let error = outcome.error {
            _ = try? connection.execute("ROLLBACK")
            throw StepFailure(error, doing: "could not mark \(migration.name) as applied")
        }
    }

    static func markRolledBack(_ name: String, on connection: PostgresConnection) throws(StepFailure) {
        do {
            try connection.query(
                "UPDATE _prisma_migrations SET rolled_back_at = clock_timestamp() WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL",
                [name])
        } catch {
            throw StepFailure(error, doing: "could not mark \(name) as rolled back")
        }
    }
}
