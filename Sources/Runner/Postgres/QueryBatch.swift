/// One statement with `$1…` parameters, sent as text values apart from the SQL (nil is NULL).
public struct ParameterizedQuery: Sendable, Equatable {
    public var sql: String
    public var parameters: [String?]

    public init(_ sql: String, _ parameters: [String?] = []) {
        self.sql = sql
        self.parameters = parameters
    }
}

/// What became of one query of a batch sent in one round trip.
public enum BatchOutcome: Sendable, Equatable {
    case succeeded(QueryResult)
    case failed(PostgresError)
    /// Not run: an earlier query of the batch failed, and the server skips the rest.
    case skipped

    /// The first failure in a batch and its position: every outcome after it is `.skipped`.
    public static func firstFailure(in outcomes: [BatchOutcome]) -> (index: Int, error: PostgresError)? {
        for (index, outcome) in outcomes.enumerated() {
            if case .failed(let error) = outcome { return (index, error) }
        }
        return nil
    }
}
