import Glibc
import PlanModel
import Runner

/// One swap action in the step's plan, with the schema the catalog resolved.
public struct IndexSwapWork: Sendable {
    let action: IndexSwap.Action
    let schema: String
}

/// Reads the catalog facts an `IndexSwap` decides on, then shows (dry-run) or runs its actions,
/// one line per action with its SQL either way.
struct IndexSwapRun {
    let step: IndexStep
    let replacement: IndexStep.Replacement
    let swap: IndexSwap
    let connection: PostgresConnection
    let context: StepContext

    /// nil unless the step has `replace:` and its table exists.
    init?(_ step: IndexStep, schema: String?, connection: PostgresConnection, context: StepContext) {
        guard let replacement = step.replace, let schema else { return nil }
        self.step = step
        self.replacement = replacement
        self.swap = IndexSwap(name: step.name, schema: schema)
        self.connection = connection
        self.context = context
    }

    func decide() throws(StepFailure) -> IndexSwap.Decision {
        do { return swap.decide(try facts(), rebuildsInvalid: step.onInvalid == .rebuild) } catch {
            throw StepFailure(error, doing: "could not read the catalog for index \(step.name)")
        }
    }

    private func facts() throws(PostgresError) -> IndexSwap.Facts {
        let catalog = IndexCatalog(connection: connection)
        func read(_ name: String) throws(PostgresError) -> IndexSwap.IndexFacts? {
            guard let index = try catalog.existingIndex(schema: swap.schema, name: name) else { return nil }
            return IndexSwap.IndexFacts(
                valid: index.valid, matches: IndexDefinitionComparison.differences(step: step, existing: index).isEmpty,
                builder: index.builder)
        }
        return IndexSwap.Facts(current: try read(swap.name), new: try read(swap.newName), old: try read(swap.oldName))
    }

    // MARK: - Words and SQL, the same in the dry-run and the run

    private var label: String { "\(swap.schema).\(swap.name)" }
    private var newLabel: String { "\(swap.schema).\(swap.newName)" }
    private var oldLabel: String { "\(swap.schema).\(swap.oldName)" }

    private var newStep: IndexStep {
        var renamed = step
        renamed.name = swap.newName
        return renamed
    }

    private var gateWords: String {
        switch replacement.gate {
        case .always:
            return "check that \(newLabel) is valid"
        case .recall(let recall):
            let setting =
                step.method == .ivfflat
                ? recall.probes.map { ", ivfflat.probes = \($0)" } ?? "" : recall.efSearch.map { ", hnsw.ef_search = \($0)" } ?? ""
            return
                "measure recall@\(recall.k) of \(newLabel) over \(recall.sample) sample queries\(setting) against exact neighbours, and swap only if it is at least \(VectorRecallMeasurement.format(recall.minimum)); below that, drop \(newLabel) and fail with \(label) still serving"
        }
    }

    private func describe(_ action: IndexSwap.Action) -> (String, String?) {
        switch action {
        case .dropNew(let why): ("drop \(newLabel), \(why)", swap.dropSQL(swap.newName))
        case .dropOld(let why): ("drop \(oldLabel), \(why)", swap.dropSQL(swap.oldName))
        case .dropCurrent: ("drop \(label), INVALID (left by an earlier failed build)", swap.dropSQL(swap.name))
        case .restoreOld: ("give \(oldLabel) its name back: \(label) has no valid index and it is valid", swap.restoreStatement)
        case .buildInPlace:
            (
                "\(label) does not exist: build it (no old index to keep serving, so no gate)",
                IndexSQL(step: step, schema: swap.schema).create
            )
        case .buildNew: ("build the wanted definition beside it as \(newLabel)", IndexSQL(step: newStep, schema: swap.schema).create)
        case .measureNew: (gateWords, nil)
        case .swap:
            (
                "swap the names in one transaction (\(replacement.lockSafety.summary)): \(label) is never without a valid index",
                (["BEGIN;"] + swap.swapStatements.map { $0 + ";" } + ["COMMIT;"]).joined(separator: "\n")
            )
        case .dropReplaced: ("drop the replaced index, now \(oldLabel)", swap.dropSQL(swap.oldName))
        }
    }

    // MARK: - Plan and perform

    /// The actions as the step's plan: the dry-run shows them, the run performs them in order.
    func plan(_ actions: [IndexSwap.Action], differences: [String], into plan: inout StepPlan<IndexConcurrentlyRunner.Work>) {
        if actions.contains(.buildNew) || actions.contains(.measureNew), !differences.isEmpty {
            plan.note(
                .info,
                "index \(label) exists with another definition (\(differences.joined(separator: "; "))): replace: rebuild it beside the old one and swap"
            )
        }
        for action in actions {
            let (words, sql) = describe(action)
            plan.act(words, sql: sql, .swap(IndexSwapWork(action: action, schema: swap.schema)))
        }
    }

    func perform(_ action: IndexSwap.Action) throws(StepFailure) {
        if let signal = context.interruption.receivedSignal { throw interrupted(signal, before: action) }
        switch action {
        case .dropCurrent: try drop(swap.name)
        case .dropNew: try drop(swap.newName)
        case .dropOld, .dropReplaced: try drop(swap.oldName)
        case .restoreOld: try renameTransaction([swap.restoreStatement], what: "giving \(oldLabel) its name back")
        case .buildInPlace: try build(step)
        case .buildNew: try build(newStep)
        case .measureNew: try gate()
        case .swap:
            try renameTransaction(swap.swapStatements, what: "the swap of \(label)")
            try expectTheWantedIndex()
        }
    }

    private func expectTheWantedIndex() throws(StepFailure) {
        let final: IndexCatalog.ExistingIndex?
        do { final = try IndexCatalog(connection: connection).existingIndex(schema: swap.schema, name: swap.name) } catch {
            throw StepFailure(error, doing: "could not check index \(label) after the swap")
        }
        guard let final, final.valid, IndexDefinitionComparison.differences(step: step, existing: final).isEmpty else {
            throw StepFailure("after the swap, \(label) is not the valid index asked for; run the step again to finish or clean up")
        }
    }

    private func interrupted(_ signal: Int32, before action: IndexSwap.Action) -> StepFailure {
        StepFailure(
            "interrupted by \(Interruption.name(of: signal)) before the next action (\(describe(action).0)); \(label) still names a valid index. Re-run to finish or clean up",
            exitCode: signal == SIGTERM ? ExitStatus.terminated : ExitStatus.interrupted)
    }

    private func build(_ target: IndexStep) throws(StepFailure) {
        let sql = IndexSQL(step: target, schema: swap.schema)
        try IndexBuild(step: target, sql: sql, connection: connection, context: context).runConfirmingValid()
    }

    /// DROP INDEX CONCURRENTLY waits for the transactions that may use the index; it holds no
    /// one else up meanwhile, so, like the build, it waits with the step's lock_timeout (none by
    /// default).
    private func drop(_ name: String) throws(StepFailure) {
        let timeout = step.lockTimeout.map(Units.postgresMilliseconds) ?? "0"
        do {
            let previous = try connection.query("SELECT current_setting('lock_timeout')").scalar ?? "0"
            try connection.query("SELECT set_config('lock_timeout', $1, false)", [timeout])
            defer { _ = try? connection.query("SELECT set_config('lock_timeout', $1, false)", [previous]) }
            try context.interruption.cancellable(connection.cancelHandle()) { () throws(PostgresError) in
                try connection.query(swap.dropSQL(name))
            }
        } catch {
            throw StepFailure(error, doing: "could not drop index \(swap.schema).\(name) (the next run drops it)")
        }
    }

    /// The gate, in a transaction of its own that is rolled back: it changes nothing.
    private func gate() throws(StepFailure) {
        guard case .recall(var recall) = replacement.gate else { return }
        recall.index = swap.newName
        let measurement = VectorRecallMeasurement(
            connection: connection, recall: recall, schema: swap.schema, mayHideOtherIndexes: true,
            hidingLockTimeout: replacement.lockSafety.lockTimeout ?? .seconds(1))
        let result: CheckResult
        do {
            try connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ")
            defer { _ = try? connection.query("ROLLBACK") }
            result = try context.interruption.cancellable(connection.cancelHandle()) { () throws(PostgresError) in
                try measurement.result()
            }
        } catch {
            throw StepFailure(error, doing: "could not measure the recall of \(newLabel) (it is left for the next run to measure)")
        }
        switch result {
        case .passed(let text):
            context.say(.info, text)
        case .failed(let text):
            try drop(swap.newName)
            throw StepFailure(
                "the recall gate refused the swap: \(text). \(label) is unchanged and still serving; \(newLabel) was dropped. Try other parameters, or lower `min:` if this recall is acceptable"
            )
        }
    }

    /// A short transaction the lock-safe way: each attempt with a short lock_timeout, retried whole.
    private func renameTransaction(_ statements: [String], what: String) throws(StepFailure) {
        let retry = LockRetry(safety: replacement.lockSafety, connection: connection, context: context, what: what)
        let (failure, gaveUp) = retry.run(error: { $0 }) { (lockTimeout: Duration?) -> PostgresError? in
            do throws(PostgresError) {
                try connection.query("BEGIN")
                try connection.query("SELECT set_config('lock_timeout', $1, true)", [lockTimeout.map(Units.postgresMilliseconds) ?? "0"])
                for statement in statements { try connection.query(statement) }
                try connection.query("COMMIT")
                return nil
            } catch {
                _ = try? connection.query("ROLLBACK")
                return error
            }
        }
        if let failure {
            throw StepFailure(
                "\(what) failed: \(failure.description)\(gaveUp.map { " (could not take its locks \($0.summary))" } ?? ""); it rolled back whole, \(label) still names the old index. Run again to retry",
                postgres: failure)
        }
    }
}
