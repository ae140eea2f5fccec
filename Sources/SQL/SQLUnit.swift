/// A piece of a SQL file the runner executes as one: the order of units is the file's order.
public enum SQLUnit: Sendable, Equatable {
    /// A run of transactional statements: the runner wraps them in one BEGIN … COMMIT.
    case transaction([SQLStatement])
    /// The author's own `BEGIN … COMMIT`, sent exactly as written (BEGIN and COMMIT included) and
    /// never nested in a transaction of the runner's.
    case authorBlock([SQLStatement])
    /// One statement PostgreSQL refuses inside a transaction block: sent alone, in autocommit.
    case autocommit(SQLStatement)

    public var statements: [SQLStatement] {
        switch self {
        case .transaction(let statements), .authorBlock(let statements): statements
        case .autocommit(let statement): [statement]
        }
    }
}
