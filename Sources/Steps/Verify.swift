public import PlanModel
public import Runner

/// `verify`: every check evaluated in one READ ONLY transaction (one snapshot, and nothing a
/// check runs can write), every check reported with what it observed, every failure listed.
///
/// In a dry-run the same checks run; one that fails now but reads what an earlier step plans to
/// change (see `Subject`) is reported as decided when the run gets there, not failed.
public struct VerifyRunner: StepRunner {
    public var connectsToTheDatabase: Bool { true }

    public let step: VerifyStep
    /// Folders this run has read, shared with its other steps.
    let folders: MigrationFolderCache
    /// The history a migrate step just before this one read and left unchanged.
    let history: MigrationHistoryCache

    public init(
        _ step: VerifyStep, folders: MigrationFolderCache = MigrationFolderCache(),
        history: MigrationHistoryCache = MigrationHistoryCache()
    ) {
        self.step = step
        self.folders = folders
        self.history = history
    }

    /// Evaluating the checks is the step's work, so its plan is their results. In a dry-run a
    /// check that fails now but reads what an earlier step plans to change is not a failure yet:
    /// the run decides it when it gets here.
    public func plan(_ context: StepContext) throws(StepFailure) -> StepPlan<Never> {
        var plan = StepPlan<Never>(isCheck: true)
        guard let connection = try context.planningConnection(locked: false) else {
            let labels = step.checks.map { CheckEvaluator.label($0.kind) }.joined(separator: "; ")
            return .offline("the \(step.checks.count) check(s) were not evaluated: \(labels)", reads: [], changes: [])
        }
        let results = try evaluateAll(on: connection, context: context)
        var failures: [String] = []
        for (check, result) in zip(step.checks, results) {
            let location = check.location.description
            switch result {
            case .passed(let observed):
                plan.note(.info, "✓ \(observed)", location: location)
            case .failed(let observed):
                if let change = context.earlierChange(to: CheckEvaluator.subject(check.kind)) {
                    plan.note(.info, "◦ \(observed) — not a failure yet: \(change.said)", location: location)
                } else {
                    failures.append("  \(check.location): \(observed)")
                    plan.note(.error, "✗ \(observed)", location: location)
                }
            }
        }
        if !failures.isEmpty {
            let verb = context.dryRun ? "would fail" : "failed"
            plan.fail(
                StepFailure(
                    "verify \(verb): \(failures.count) of \(step.checks.count) check(s) failed:\n" + failures.joined(separator: "\n")))
        } else if !context.dryRun {
            plan.note(.info, "all \(step.checks.count) check(s) passed")
        }
        return plan
    }

    public func perform(_ work: Never, _ context: StepContext) throws(StepFailure) {}

    /// All checks in one READ ONLY, REPEATABLE READ transaction: they see one snapshot of the
    /// database. Usually every check is decided by one answer, and the transaction's start, the
    /// questions and its end go in one batch: one round trip for the step.
    private func evaluateAll(on connection: PostgresConnection, context: StepContext) throws(StepFailure) -> [CheckResult] {
        let evaluator = CheckEvaluator(connection: connection, folders: folders, history: history.unchanged(before: context.index))
        let evaluations = step.checks.map { evaluator.evaluation(of: $0.kind) }
        do throws(PostgresError) {
            if let results = try evaluateInOneRoundTrip(evaluations, on: connection) { return results }
            return try evaluateInTurn(evaluations, on: connection)
        } catch {
            if connection.isConnected, connection.transactionState != .idle { _ = try? connection.execute("ROLLBACK") }
            throw StepFailure(error, doing: "verify could not evaluate its checks")
        }
    }

    private static let opening = [
        ParameterizedQuery("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"),
        ParameterizedQuery("SAVEPOINT plan_verify_checks"),
    ]

    /// The checks' results when one batch decides them all, ending the transaction too; nil when
    /// it cannot (a check that needs answers in turn or a follow-up question, a question the
    /// server refused): the transaction is then over, and `evaluateInTurn` starts again. Checks
    /// only read, so asking again changes nothing but the time a failing step takes.
    private func evaluateInOneRoundTrip(_ evaluations: [CheckEvaluation], on connection: PostgresConnection) throws(PostgresError)
        -> [CheckResult]?
    {
        guard !evaluations.contains(where: \.isStepwise) else { return nil }
        let questions = evaluations.compactMap { evaluation -> ParameterizedQuery? in
            if case .oneQuery(let question, _) = evaluation { question } else { nil }
        }
        var answers: ArraySlice<BatchOutcome> = []
        if !questions.isEmpty {
            let outcomes = try connection.batch(Self.opening + questions + [ParameterizedQuery("ROLLBACK")])
            if let (index, error) = BatchOutcome.firstFailure(in: outcomes), index < Self.opening.count { throw error }
            answers = outcomes.dropFirst(Self.opening.count)
        }
        var results: [CheckResult] = []
        for evaluation in evaluations {
            switch evaluation {
            case .decided(let result):
                results.append(result)
            case .oneQuery(_, let decide):
                guard case .succeeded(let answer) = answers.popFirst(), case .result(let result) = decide(answer) else {
                    if connection.transactionState != .idle { try connection.execute("ROLLBACK") }
                    return nil
                }
                results.append(result)
            case .stepwise:
                return nil
            }
        }
        return results
    }

    /// Check by check where needed: the one-query checks still go in a batch (after the
    /// transaction's start); a check that errors (a bad query, a write) fails alone: rolling back
    /// to the savepoint taken at the start lets the others run, and the checks the server skipped
    /// after it go again in a batch of their own. Follow-up questions and stepwise checks come
    /// after the answers.
    private func evaluateInTurn(_ evaluations: [CheckEvaluation], on connection: PostgresConnection) throws(PostgresError) -> [CheckResult]
    {
        var results = [CheckResult?](repeating: nil, count: evaluations.count)
        func failure(_ index: Int, _ error: PostgresError) -> CheckResult {
            .failed("\(CheckEvaluator.label(step.checks[index].kind)): \(error.description)")
        }
        /// A check's result, or its failure when the server refuses a question it asks.
        func decided(_ index: Int, _ decide: () throws(PostgresError) -> CheckResult) throws(PostgresError) -> CheckResult {
            do { return try decide() } catch  where error.kind == .server {
                try connection.execute("ROLLBACK TO SAVEPOINT plan_verify_checks")
                return failure(index, error)
            }
        }
        var opening = Self.opening
        var batched = evaluations.indices.filter { if case .oneQuery = evaluations[$0] { true } else { false } }
        repeat {
            let queries = batched.map { index -> ParameterizedQuery in
                guard case .oneQuery(let query, _) = evaluations[index] else { preconditionFailure("only one-query checks are batched") }
                return query
            }
            let outcomes = try connection.batch(opening + queries)
            if let (index, error) = BatchOutcome.firstFailure(in: outcomes), index < opening.count { throw error }
            let answers = Array(outcomes.dropFirst(opening.count))
            opening = []
            // A failed check leaves the transaction aborted: roll back first, so the decisions
            // before it may ask their follow-up questions.
            let failed = BatchOutcome.firstFailure(in: answers)
            if failed != nil { try connection.execute("ROLLBACK TO SAVEPOINT plan_verify_checks") }
            for (position, index) in batched.enumerated() {
                guard case .succeeded(let answer) = answers[position], case .oneQuery(_, let decide) = evaluations[index] else { break }
                switch decide(answer) {
                case .result(let result): results[index] = result
                case .askFurther(let ask): results[index] = try decided(index, ask)
                }
            }
            if let failed {
                results[batched[failed.index]] = failure(batched[failed.index], failed.error)
                batched = Array(batched[(failed.index + 1)...])
            } else {
                batched = []
            }
        } while !batched.isEmpty
        for (index, evaluation) in evaluations.enumerated() {
            switch evaluation {
            case .decided(let result): results[index] = result
            case .stepwise(let evaluate): results[index] = try decided(index, evaluate)
            case .oneQuery: break
            }
        }
        // Read only: there is nothing to commit; ending with ROLLBACK says so.
        try connection.execute("ROLLBACK")
        return results.map { $0 ?? .failed("not evaluated") }
    }
}
