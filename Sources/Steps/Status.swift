public import Runner

/// `plan status`: like `prisma migrate status`, with its exit codes: pending, failed or an
/// unmanaged database fail (exit 1). Edited and missing-locally migrations, which Prisma does not
/// even print, are reported as warnings and fail only with `strict`. Read-only.
public struct StatusRunner: StepRunner {
    public var connectsToTheDatabase: Bool { true }

    public let migrations: String
    public let migrationsChosenBy: String
    public let strict: Bool
    public let allowEmpty: Bool

    public init(migrations: String, migrationsChosenBy: String = "--migrations", strict: Bool = false, allowEmpty: Bool = false) {
        self.migrations = migrations
        self.migrationsChosenBy = migrationsChosenBy
        self.strict = strict
        self.allowEmpty = allowEmpty
    }

    /// Reading is all it does: the plan is the report.
    public func plan(_ context: StepContext) throws(StepFailure) -> StepPlan<Never> {
        var plan = StepPlan<Never>(isCheck: true)
        let folder: MigrationFolder
        do { folder = try MigrationFolder.load(migrations) } catch { throw StepFailure(error.description) }
        for warning in folder.warnings { plan.note(.warning, warning) }
        if !allowEmpty, let problem = folder.emptinessProblem(chosenBy: migrationsChosenBy) {
            plan.fail(problem)
            return plan
        }
        guard let connection = try context.planningConnection(locked: false) else {
            return .offline("the history was not read", reads: [], changes: [])
        }
        let diagnosis: HistoryDiagnosis
        do {
            let (hasTable, rows) = try MigrationHistory.read(from: connection)
            diagnosis = HistoryDiagnosis(folder: folder, rows: rows, hasTable: hasTable)
        } catch {
            throw StepFailure(error, doing: "could not read _prisma_migrations")
        }
        context.reporter.emit(.migrationStatus(try report(diagnosis, folder: folder, on: connection)))
        let count = folder.migrations.count
        plan.note(.info, count == 0 ? "No migration found in \(migrations)" : "\(count) migration(s) found in \(migrations)")
        let notApplied = !diagnosis.hasTable || !diagnosis.pending.isEmpty || !diagnosis.failed.isEmpty
        let strictProblems = !diagnosis.edited.isEmpty || !diagnosis.missingLocally.isEmpty
        if !diagnosis.hasTable {
            var text = "The current database is not managed by Prisma Migrate or plan (no _prisma_migrations table)."
            if let first = folder.migrations.first {
                text +=
                    " If its schema already matches \(first.name), baseline it: plan resolve --applied \(ShellQuoting.quote(first.name))"
            }
            plan.note(.error, text)
        }
        if !diagnosis.pending.isEmpty {
            plan.note(
                .error,
                "Following migration(s) have not yet been applied:\n" + diagnosis.pending.map(\.name).joined(separator: "\n")
                    + "\nTo apply them run: plan migrate")
        }
        for row in diagnosis.failed {
            plan.note(
                .error,
                "Migration \(row.migrationName) failed (started \(row.failedAttempt?.startedAt ?? "at an unknown time"), \(row.appliedStepsCount) step(s) committed). Resolve it with plan resolve --rolled-back \(ShellQuoting.quote(row.migrationName)) or --applied \(ShellQuoting.quote(row.migrationName))"
            )
        }
        let severity: Message.Level = strict ? .error : .warning
        if !diagnosis.edited.isEmpty {
            plan.note(
                severity,
                "Following migration(s) were modified after they were applied (checksum differs):\n"
                    + diagnosis.edited.map(\.name).joined(separator: "\n"))
        }
        if !diagnosis.missingLocally.isEmpty {
            plan.note(
                severity,
                "Following migration(s) are applied to the database but missing from \(migrations):\n"
                    + diagnosis.missingLocally.map(\.migrationName).joined(separator: "\n"))
        }
        if notApplied || (strict && strictProblems) {
            plan.fail(StepFailure("the database is not up to date with \(migrations)"))
            return plan
        }
        plan.note(.info, "Database schema is up to date!")
        return plan
    }

    public func perform(_ work: Never, _ context: StepContext) throws(StepFailure) {}

    /// The same diagnosis as data, with when each applied migration finished (read here: the
    /// history read above skips timestamps, which only status shows).
    private func report(_ diagnosis: HistoryDiagnosis, folder: MigrationFolder, on connection: PostgresConnection) throws(StepFailure)
        -> MigrationStatusReport
    {
        var finished: [(name: String, at: String)] = []
        if diagnosis.hasTable {
            do {
                finished = try connection.query(
                    """
                    SELECT migration_name, finished_at::text FROM _prisma_migrations
                    WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY finished_at, migration_name
                    """
                ).rows.map { (name: $0[0] ?? "", at: $0[1] ?? "") }
            } catch {
                throw StepFailure(error, doing: "could not read _prisma_migrations")
            }
        }
        let local = Set(folder.migrations.map(\.name))
        let finishedAt = Dictionary(finished.map { ($0.name, $0.at) }, uniquingKeysWith: { first, _ in first })
        typealias Entry = MigrationStatusReport.Entry
        return MigrationStatusReport(
            folder: migrations, hasTable: diagnosis.hasTable,
            applied: finished.filter { local.contains($0.name) }.map { Entry(name: $0.name, at: $0.at) },
            pending: diagnosis.pending.map { Entry(name: $0.name) },
            failed: diagnosis.failed.map {
                Entry(name: $0.migrationName, at: $0.failedAttempt?.startedAt, appliedSteps: $0.appliedStepsCount)
            },
            drifted: diagnosis.edited.map { Entry(name: $0.name) },
            missing: diagnosis.missingLocally.map { Entry(name: $0.migrationName, at: finishedAt[$0.migrationName]) })
    }
}
