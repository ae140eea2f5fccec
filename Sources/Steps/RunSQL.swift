public import PlanModel
public import Runner
import SQL

/// `sql`: run SQL from a file or inline, like `prisma db execute`, but split and classified like a
/// migration (SPEC §3): runs of transactional statements each in one transaction, statements
/// PostgreSQL refuses in a transaction alone in autocommit, the author's own blocks as written.
/// Nothing is recorded in `_prisma_migrations`: re-running the step runs the SQL again.
public struct SQLStepRunner: StepRunner {
    public var connectsToTheDatabase: Bool { true }

    public let step: SQLStep
    /// The step's `transaction:` key: `required` refuses SQL that cannot run in one transaction
    /// and runs all of it in one; `none` sends each statement alone.
    public let transaction: TransactionPolicy

    public init(_ step: SQLStep, transaction: TransactionPolicy = .auto) {
        self.step = step
        self.transaction = transaction
    }

    /// One unit of the SQL, where it stands among the others.
    public struct Work: Sendable {
        var unit: SQLUnit
        var position: Int
        var total: Int
    }

    /// Each unit with its transaction mode and SQL: what runs depends only on the SQL. A dry-run
    /// adds the risk report, measured on the database unless offline.
    public func plan(_ context: StepContext) throws(StepFailure) -> StepPlan<Work> {
        var plan = StepPlan<Work>(changes: [.schema])
        let prepared: PreparedSQL
        do throws(StepFailure) { prepared = try PreparedSQL.prepare(step.source, policy: transaction) } catch {
            plan.fail(error)
            return plan
        }
        guard !prepared.units.isEmpty else {
            plan.nothingToDo = "\(prepared.origin) holds no statements: nothing to run"
            return plan
        }
        plan.note(.info, "\(prepared.statements.count) statement(s) from \(prepared.origin) in \(prepared.units.count) unit(s)")
        for (position, (unit, description)) in zip(prepared.units, prepared.describeUnits()).enumerated() {
            let first = unit.statements[0]
            plan.act(
                "run " + description.title + "; " + LockRetry.preview(unit, step.lockSafety), sql: description.sql,
                location: "\(first.file):\(first.line):\(first.column)", Work(unit: unit, position: position, total: prepared.units.count))
        }
        if context.dryRun {
            plan.findings = try RiskReport.findings(
                for: [(prepared.statements, prepared.trailingTrivia)], acknowledged: step.acknowledge,
                on: context.session.connectForPreview())
        }
        return plan
    }

    public func perform(_ work: Work, _ context: StepContext) throws(StepFailure) {
        let (unit, index, total) = (work.unit, work.position, work.total)
        let connection = try context.session.connectLocked()
        let executor = UnitExecutor(connection: connection)
        let retry = LockRetry(
            safety: step.lockSafety, connection: connection, context: context,
            what: total == 1 ? "the sql step" : "unit \(index + 1) of \(total) of the sql step")
        let (unitFailure, gaveUp) = retry.run(retryable: LockRetry.isRetryable(unit), error: { $0.error }) { lockTimeout in
            executor.run(unit, lockTimeout: lockTimeout)
        }
        guard let failure = unitFailure else { return }
        let committed =
            index == 0
            ? "Nothing of it had committed."
            : "Units 1–\(index) of \(total) committed and stay applied; nothing after unit \(index + 1) ran."
        let undone: String
        switch unit {
        case .transaction: undone = "unit \(index + 1) (one transaction) rolled back"
        case .authorBlock: undone = "unit \(index + 1) (the SQL's own transaction block) rolled back"
        case .autocommit: undone = "unit \(index + 1) ran alone in autocommit and failed"
        }
        let blockers = gaveUp.map { " (could not take its locks \($0.summary))" } ?? ""
        throw StepFailure(
            "the sql step failed in unit \(index + 1) of \(total): \(failure.error.description)\(blockers)\n\(committed) \(undone.prefix(1).uppercased() + undone.dropFirst()). "
                + "Fix the statement; before running the step again, make sure the SQL is safe to repeat for the units that committed (e.g. IF NOT EXISTS).",
            location: failure.location, postgres: failure.error)
    }
}
