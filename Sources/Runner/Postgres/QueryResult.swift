/// The rows of one statement, copied out of libpq at once as text (or nil for NULL).
public struct QueryResult: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[String?]]
    /// The command tag, e.g. `INSERT 0 1`, `CREATE INDEX`.
    public var commandTag: String

    public init(columns: [String] = [], rows: [[String?]] = [], commandTag: String = "") {
        self.columns = columns
        self.rows = rows
        self.commandTag = commandTag
    }

    /// The first column of the first row: the common case of a one-value query.
    public var scalar: String? { rows.first?.first ?? nil }

    public func value(_ row: Int, _ column: String) -> String? {
        guard let index = columns.firstIndex(of: column), row < rows.count else { return nil }
        return rows[row][index]
    }
}

/// A notice or warning the server sent while a statement ran (e.g. pgvector's
/// "ivfflat index created with little data").
public struct ServerNotice: Sendable, Equatable {
    public var severity: String
    public var message: String
    public var sqlState: String?
}

/// One column of a described (not executed) query: its name, type and type modifier as the
/// server's RowDescription gives them (`atttypmod`: dimensions for pgvector's types, -1 none).
public struct DescribedColumn: Sendable, Equatable {
    public var name: String
    public var typeOID: UInt32
    public var typeModifier: Int
}
