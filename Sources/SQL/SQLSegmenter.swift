/// Groups a file's statements into the units the runner executes (see `SQLUnit`).
///
/// Rules: consecutive transactional statements form one `.transaction`; each non-transactional
/// statement is its own `.autocommit`; the author's `BEGIN … COMMIT` is an `.authorBlock`.
/// `SET TRANSACTION` outside an author block must be its transaction's first statement, so it
/// starts a new `.transaction`. Savepoints stay in whatever unit they are in.
///
/// Files Prisma applies as one message run as that message would, as closely as PostgreSQL
/// allows, each with a note that says what happens (`notes`):
/// - a COMMIT with no BEGIN commits what came before it (the message's implicit transaction):
///   it ends a unit, and the statements after it start the next;
/// - statements before the author's BEGIN join the block (BEGIN turns the message's implicit
///   transaction into that block);
/// - a BEGIN with no COMMIT runs to the end of the file and commits with it (in Prisma's message
///   it would be left open).
/// Errors: BEGIN inside a block, ROLLBACK (a file cannot undo its own work and still be
/// applied), COMMIT AND CHAIN, PREPARE TRANSACTION, and a non-transactional statement inside an
/// author block (the server would refuse it).
public enum SQLSegmenter {
    /// The units, or the first error in file order.
    public static func units(_ statements: [SQLStatement]) throws(SQLSyntaxError) -> [SQLUnit] {
        try unitsAndNotes(statements).units
    }

    /// The units and what the file's own transaction control makes happen, in one pass; or the
    /// first error in file order.
    public static func unitsAndNotes(_ statements: [SQLStatement]) throws(SQLSyntaxError) -> (
        units: [SQLUnit], notes: [SQLSyntaxError]
    ) {
        let result = segment(statements)
        if let first = result.errors.first { throw first }
        return (result.units, result.notes)
    }

    /// The units and every error, for `plan check`, which reports all problems at once. Units are
    /// built as if each error's statement were absent (or the open block closed at the end).
    public static func analyze(_ statements: [SQLStatement]) -> (units: [SQLUnit], errors: [SQLSyntaxError]) {
        let result = segment(statements)
        return (result.units, result.errors)
    }

    /// What a file's own transaction control does differently from a plain file, in file order.
    public static func notes(_ statements: [SQLStatement]) -> [SQLSyntaxError] { segment(statements).notes }

    private static func segment(_ statements: [SQLStatement]) -> (units: [SQLUnit], errors: [SQLSyntaxError], notes: [SQLSyntaxError]) {
        var units: [SQLUnit] = []
        var errors: [SQLSyntaxError] = []
        var notes: [SQLSyntaxError] = []
        func note(_ message: String, at statement: SQLStatement) {
            notes.append(SQLSyntaxError(message: message, file: statement.file, line: statement.line, column: statement.column))
        }
        var run: [SQLStatement] = []
        var block: [SQLStatement]?

        func flushRun() {
            if !run.isEmpty { units.append(.transaction(run)) }
            run = []
        }
        func error(_ message: String, at statement: SQLStatement) {
            errors.append(SQLSyntaxError(message: message, file: statement.file, line: statement.line, column: statement.column))
        }
        func opened(_ block: [SQLStatement]) -> String { "\(block[0].line):\(block[0].column)" }

        for statement in statements {
            switch statement.kind {
            case .transactional, .transactionControl(.savepoint), .transactionControl(.releaseSavepoint),
                .transactionControl(.rollbackToSavepoint):
                if block != nil { block!.append(statement) } else { run.append(statement) }

            case .nonTransactional(let reason):
                if let open = block {
                    error(
                        "\(reason), but it is inside the block that BEGIN at \(opened(open)) opened; move it after that block's COMMIT",
                        at: statement)
                } else {
                    flushRun()
                    units.append(.autocommit(statement))
                }

            case .transactionControl(.setTransaction):
                if block != nil {
                    block!.append(statement)
                } else {
                    flushRun()
                    run.append(statement)
                }

            case .transactionControl(.begin):
                if let open = block {
                    error(
                        "BEGIN inside the transaction block opened at \(opened(open)): blocks do not nest; add a COMMIT before it or remove it",
                        at: statement)
                } else if !run.isEmpty {
                    note(
                        "the \(run.count) statement(s) before this BEGIN join its transaction block, as in the single message Prisma sends",
                        at: statement)
                    block = run + [statement]
                    run = []
                } else {
                    block = [statement]
                }

            case .transactionControl(.commit):
                if let open = block {
                    units.append(.authorBlock(open + [statement]))
                    block = nil
                } else {
                    note(
                        "this COMMIT has no BEGIN: the statements before it commit as one unit and the ones after it start the next, as in the single message Prisma sends",
                        at: statement)
                    flushRun()
                }

            case .transactionControl(.rollback):
                error(
                    "ROLLBACK in a migration discards its own work, so it could never be applied: remove it (plan rolls back on failure)",
                    at: statement)

            case .transactionControl(.commitAndChain):
                error("COMMIT AND CHAIN is not supported: write COMMIT; BEGIN; instead", at: statement)

            case .transactionControl(.prepareTransaction):
                error("PREPARE TRANSACTION is not supported: plan commits its own transactions", at: statement)
            }
        }
        if let open = block {
            note(
                "this BEGIN has no COMMIT: its block runs to the end of the file and commits with the migration (Prisma's message would leave it open)",
                at: open[open.firstIndex { $0.kind == .transactionControl(.begin) } ?? 0])
            // Without its BEGIN, the block is a run of the runner's, which commits it.
            units.append(.transaction(open.filter { $0.kind != .transactionControl(.begin) }))
        }
        flushRun()
        return (units, errors, notes)
    }
}
