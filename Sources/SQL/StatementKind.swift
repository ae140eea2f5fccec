/// How a statement relates to transaction blocks, which decides how the runner may send it.
public enum StatementKind: Sendable, Equatable {
    /// May run inside a transaction block; the runner batches runs of these into one transaction.
    case transactional
    /// PostgreSQL refuses it inside a transaction block (it calls `PreventInTransactionBlock`), so
    /// it must be sent alone, in autocommit. `reason` is the server's own wording, e.g.
    /// "CREATE INDEX CONCURRENTLY cannot run inside a transaction block".
    case nonTransactional(reason: String)
    /// The author controls the transaction explicitly.
    case transactionControl(TransactionControl)

    /// Whether the statement may be sent inside a `BEGIN … COMMIT` the runner opened.
    public var mayRunInTransactionBlock: Bool {
        switch self {
        case .transactional: true
        case .nonTransactional: false
        case .transactionControl(let control): control.mayRunInTransactionBlock
        }
    }
}

/// Explicit transaction-control statements an author can write.
public enum TransactionControl: Sendable, Equatable {
    /// `BEGIN`, `BEGIN WORK|TRANSACTION`, `START TRANSACTION` (not `BEGIN ATOMIC`, which only
    /// occurs inside a function definition).
    case begin
    /// `COMMIT`, `END` (optionally `WORK`/`TRANSACTION`).
    case commit
    /// `COMMIT AND CHAIN` / `END AND CHAIN`: commits and opens a new block at once.
    case commitAndChain
    /// `ROLLBACK`, `ABORT` (also `… AND CHAIN`).
    case rollback
    /// `SAVEPOINT name`.
    case savepoint
    /// `RELEASE [SAVEPOINT] name`.
    case releaseSavepoint
    /// `ROLLBACK [WORK|TRANSACTION] TO [SAVEPOINT] name`.
    case rollbackToSavepoint
    /// `SET TRANSACTION …` (isolation level, READ ONLY, snapshot): must be the block's first statement.
    case setTransaction
    /// `PREPARE TRANSACTION 'id'`: ends the block by handing it to two-phase commit.
    case prepareTransaction

    /// Savepoints and `SET TRANSACTION` work inside a block the runner opened; the others open or
    /// close blocks and must not be nested in one.
    public var mayRunInTransactionBlock: Bool {
        switch self {
        case .savepoint, .releaseSavepoint, .rollbackToSavepoint, .setTransaction: true
        case .begin, .commit, .commitAndChain, .rollback, .prepareTransaction: false
        }
    }
}
