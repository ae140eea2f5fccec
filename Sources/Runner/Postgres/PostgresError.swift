/// An error from the database or from libpq, safe to show: every message has been through the
/// run's redactor, so a password never appears in it. Server fields stay separate so output
/// formats can show them as they see fit.
public struct PostgresError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// Could not connect (refused, auth failed, bad URL): exit code 3.
        case connection
        /// The server rejected a statement.
        case server
        /// The connection broke mid-query (server crash, terminated backend).
        case connectionLost
    }

    public var kind: Kind
    public var message: String
    public var sqlState: String?
    public var severity: String?
    public var detail: String?
    public var hint: String?
    /// 1-based character position in the query text the server reported, if any.
    public var position: Int?
    public var context: String?

    public init(
        kind: Kind, message: String, sqlState: String? = nil, severity: String? = nil,
        detail: String? = nil, hint: String? = nil, position: Int? = nil, context: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.severity = severity
        self.detail = detail
        self.hint = hint
        self.position = position
        self.context = context
    }

    public var description: String {
        var text = message
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        if let detail { text += "\nDETAIL: \(detail)" }
        if let hint { text += "\nHINT: \(hint)" }
        return text
    }

    /// Errors a retry may cure: lock timeout, serialization failure, deadlock, a lost
    /// connection before commit.
    public var isSafeToRetry: Bool {
        if kind == .connectionLost { return true }
        guard let sqlState else { return false }
        // Lock timeout, serialization failure, deadlock; and the session ended by the server
        // (administrator or crash shutdown, a lost connection): the open transaction died with it.
        return ["55P03", "40001", "40P01", "57P01", "57P02", "57P03"].contains(sqlState) || sqlState.hasPrefix("08")
    }
}
