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

    public enum Work: Sendable {
        case markApplied(LocalMigration)
        case markRolledBack(String)
    }

    public func plan(_ context: StepContext) throws(StepFailure) -> StepPlan<Work> {
        let name = step.mark.migrationName
        var plan = StepPlan<Work>(changes: [.history(folder: step.migrations)], reads: [.history(folder: step.migrations)])
        guard let connection = try context.planningConnection() else {
            return .offline("would mark \(name) \(verb) unless the history already says so", reads: plan.reads, changes: plan.changes)
        }
        let rows: [HistoryRow]
        do { rows = try MigrationHistory.load(from: connection).filter { $0.migrationName == name } } catch {
            throw StepFailure(error, doing: "could not read _prisma_migrations")
        }
        do throws(StepFailure) {
            if case .nothingToDo(let why) = try decide(rows: rows) {
                plan.nothingToDo = why
                return plan
            }
        } catch {
            plan.fail(error, unless: .history(folder: step.migrations))
            return plan
        }
        switch step.mark {
        case .applied:
            let folder: MigrationFolder
            do { folder = try MigrationFolder.load(step.migrations) } catch {
                plan.fail(StepFailure(error.description))
                return plan
            }
            guard let local = folder.migration(named: name) else {
                plan.fail(StepFailure(MigrationError.unknownMigration(name: name, folder: step.migrations).description))
                return plan
            }
            plan.act("mark \(name) as applied in _prisma_migrations, without running it", location: local.scriptPath, .markApplied(local))
        case .rolledBack:
            plan.act("mark the failed attempt of \(name) as rolled back in _prisma_migrations", .markRolledBack(name))
        }
        return plan
    }

    public func perform(_ work: Work, _ context: StepContext) throws(StepFailure) {
        let connection = try context.session.connectLocked()
        switch work {
        case .markApplied(let local):
            do { try MigrationHistory.ensureTable(on: connection) } catch {
                throw StepFailure(error, doing: "could not create _prisma_migrations")
            }
            try Self.markApplied(local, on: connection)
            context.say(.info, "Migration \(local.name) marked as applied.")
        case .markRolledBack(let name):
            try Self.markRolledBack(name, on: connection)
            context.say(.info, "Migration \(name) marked as rolled back.")
        }
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
