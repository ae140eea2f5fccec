internal import CLibPQ
import FoundationEssentials
import Glibc
import PlanModel
import SQL

/// One libpq session. It owns its `PGconn` and frees it in `deinit`; results are copied into
/// `QueryResult` values before the `PGresult` is cleared, so no C handle escapes.
///
/// Not Sendable: libpq allows one thread per connection at a time. The one thing another thread
/// may do is cancel the running query, through `cancelHandle()`.
public final class PostgresConnection {
    private let conn: OpaquePointer
    private let notices: NoticeCollector
    public let redactor: Redactor
    public let target: ConnectionTarget

    /// Connects, or throws a `.connection` error whose message is safe to print.
    public init(
        target: ConnectionTarget, applicationName: String = "plan/\(PlanVersion.current)",
        readOnly: Bool = false, redactor: Redactor = Redactor(), database: String? = nil
    ) throws(PostgresError) {
        notices = NoticeCollector()
        var redactor = redactor
        for secret in target.secrets { redactor.add(secret) }
        // PGPASSWORD and the rest come with `redactor`, fed once by RunSecrets from the one
        // environment reader.
        self.redactor = redactor
        self.target = target

        var options: [String] = []
        if readOnly { options.append("-c default_transaction_read_only=on") }
        if let schema = target.schema {
            options.append("-c search_path=" + Self.escapeOption(Self.quoteIdentifier(schema)))
        }
        var keywords: [String] = []
        var values: [String] = []
        if !target.conninfo.isEmpty {
            keywords.append("dbname")
            values.append(target.conninfo)
        }
        // A dbname after the connection string names the database alone (libpq expands only the
        // first), e.g. `postgres` to create the one the URL names.
        if let database {
            keywords.append("dbname")
            values.append(database)
        }
        keywords.append("application_name")
        values.append(applicationName)
        // The tool quotes and decodes text as UTF-8; in the startup packet this outranks a
        // database's or role's client_encoding (and the URL's), and poolers pass it on.
        keywords.append("client_encoding")
        values.append("UTF8")
        if !options.isEmpty {
            keywords.append("options")
            values.append(options.joined(separator: " "))
        }
        let connection = Self.withCStringArray(keywords) { keywordPointers in
            Self.withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection else {
            throw PostgresError(kind: .connection, message: "out of memory while connecting")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = redactor.redact(Self.trimmed(String(cString: PQerrorMessage(connection))))
            PQfinish(connection)
            throw PostgresError(kind: .connection, message: message)
        }
        conn = connection
        _ = PQsetNoticeReceiver(
            conn,
            { context, result in
                guard let context, let result else { return }
                let collector = Unmanaged<NoticeCollector>.fromOpaque(context).takeUnretainedValue()
                let field = { (code: Int32) in PostgresConnection.field(result, code) }
                collector.append(
                    ServerNotice(
                        severity: field(plan_diag_severity_nonlocalized) ?? "NOTICE",
                        message: field(plan_diag_message_primary) ?? "",
                        sqlState: field(plan_diag_sqlstate)))
            },
            Unmanaged.passUnretained(notices).toOpaque())
        // A database or role may turn standard_conforming_strings off, where '\' in a plain
        // literal is an escape: the lexer splits files as if it were on, so every session pins it.
        // The server reports the setting at startup, so this costs a round trip only when needed.
        if PQparameterStatus(conn, "standard_conforming_strings").map({ String(cString: $0) }) != "on" {
            try execute("SET standard_conforming_strings = on")
        }
    }

    deinit {
        PQfinish(conn)
    }

    // MARK: - Queries

    /// Runs SQL with the simple query protocol (several statements allowed) and returns the last
    /// statement's rows.
    @discardableResult
    public func execute(_ sql: String) throws(PostgresError) -> QueryResult {
        try checkNoNul(sql)
        let result = ResultHandle(PQexec(conn, sql))
        return try convert(result)
    }

    /// Runs SQL with the simple query protocol and returns every statement's rows, in order: one
    /// round trip for several questions. The first error is thrown, as `execute` would.
    public func executeEach(_ sql: String) throws(PostgresError) -> [QueryResult] {
        try checkNoNul(sql)
        guard PQsendQuery(conn, sql) == 1 else { throw lastConnectionError() }
        var results: [QueryResult] = []
        var firstError: PostgresError?
        while let raw = PQgetResult(conn) {
            let result = ResultHandle(raw)
            do { results.append(try convert(result)) } catch { if firstError == nil { firstError = error } }
        }
        if let firstError { throw firstError }
        return results
    }

    /// Runs one statement with `$1…` parameters sent separately from the text, as text values
    /// (nil is NULL). Parameters can never change the statement's shape.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> QueryResult {
        try checkNoNul(sql)
        for case let parameter? in parameters { try checkNoNul(parameter) }
        let result = Self.withOptionalCStringArray(parameters) { pointers in
            ResultHandle(PQexecParams(conn, sql, Int32(parameters.count), nil, pointers, nil, nil, 0))
        }
        return try convert(result)
    }

    /// Sends a script of several statements as one message (one round trip) and reads the
    /// server's answer for each: how many statements succeeded, and the first error.
    public func runScript(_ sql: String) -> ScriptOutcome {
        do { try checkNoNul(sql) } catch { return ScriptOutcome(completedStatements: 0, error: error) }
        guard PQsendQuery(conn, sql) == 1 else {
            return ScriptOutcome(completedStatements: 0, error: lastConnectionError())
        }
        var completed = 0
        var firstError: PostgresError?
        while let raw = PQgetResult(conn) {
            let result = ResultHandle(raw)
            switch PQresultStatus(result.pointer) {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
                if firstError == nil { completed += 1 }
            default:
                if firstError == nil { firstError = error(from: result) }
            }
        }
        return ScriptOutcome(completedStatements: completed, error: firstError)
    }

    /// Sends the queries together and reads their results after: one round trip for the batch
    /// (libpq's pipeline mode) instead of one per query. The server runs them in order, as one
    /// implicit transaction unless the batch begins one, and skips the rest after a failure, as
    /// a script in one message would; unlike a script, each query keeps its parameters apart.
    public func batch(_ queries: [ParameterizedQuery]) throws(PostgresError) -> [BatchOutcome] {
        for query in queries {
            try checkNoNul(query.sql)
            for case let parameter? in query.parameters { try checkNoNul(parameter) }
        }
        guard queries.count > 1 else { return queries.map(runAlone) }
        guard PQenterPipelineMode(conn) == 1 else { throw lastConnectionError() }
        defer { _ = PQexitPipelineMode(conn) }
        for query in queries {
            let sent = Self.withOptionalCStringArray(query.parameters) { pointers in
                PQsendQueryParams(conn, query.sql, Int32(query.parameters.count), nil, pointers, nil, nil, 0)
            }
            guard sent == 1 else { throw lastConnectionError() }
        }
        guard PQpipelineSync(conn) == 1 else { throw lastConnectionError() }

        var outcomes: [BatchOutcome] = []
        outcomes.reserveCapacity(queries.count)
        for _ in queries {
            // Each query's results end with a NULL; a lost connection yields an error, then NULLs.
            var outcome = BatchOutcome.skipped
            while let raw = PQgetResult(conn) {
                let result = ResultHandle(raw)
                switch PQresultStatus(result.pointer) {
                case PGRES_PIPELINE_ABORTED: outcome = .skipped
                default:
                    do { outcome = .succeeded(try convert(result)) } catch { outcome = .failed(error) }
                }
            }
            outcomes.append(outcome)
            if !isConnected { break }
        }
        guard isConnected else {
            let lost = lastConnectionError()
            return outcomes + Array(repeating: .failed(lost), count: queries.count - outcomes.count)
        }
        // The batch ends with the sync's own result, then a NULL.
        while let raw = PQgetResult(conn) { _ = ResultHandle(raw) }
        return outcomes
    }

    /// The columns a query would return, with their types, without running it: the server
    /// parses and plans the statement (Parse, Describe) and executes nothing, so it is read-only
    /// whatever the query calls. Both messages go before one Sync, so a pooler in transaction
    /// mode keeps them on one server connection. A domain is described as its base type.
    public func describe(_ sql: String) throws(PostgresError) -> [DescribedColumn] {
        try checkNoNul(sql)
        guard PQenterPipelineMode(conn) == 1 else { throw lastConnectionError() }
        defer { _ = PQexitPipelineMode(conn) }
        guard PQsendPrepare(conn, "", sql, 0, nil) == 1, PQsendDescribePrepared(conn, "") == 1, PQpipelineSync(conn) == 1
        else { throw lastConnectionError() }
        var failure: PostgresError?
        var columns: [DescribedColumn] = []
        // Prepare's result, NULL; Describe's result, NULL; then the sync's result.
        for _ in 0..<2 {
            while let raw = PQgetResult(conn) {
                let result = ResultHandle(raw)
                switch PQresultStatus(result.pointer) {
                case PGRES_COMMAND_OK:
                    guard let pointer = result.pointer else { continue }
                    columns = (0..<PQnfields(pointer)).map { index in
                        DescribedColumn(
                            name: String(cString: PQfname(pointer, index)), typeOID: UInt32(PQftype(pointer, index)),
                            typeModifier: Int(PQfmod(pointer, index)))
                    }
                case PGRES_PIPELINE_ABORTED: break
                default: if failure == nil { failure = error(from: result) }
                }
            }
            if !isConnected { break }
        }
        if isConnected { while let raw = PQgetResult(conn) { _ = ResultHandle(raw) } }
        if let failure { throw failure }
        guard isConnected else { throw lastConnectionError() }
        return columns
    }

    private func runAlone(_ query: ParameterizedQuery) -> BatchOutcome {
        do { return .succeeded(try self.query(query.sql, query.parameters)) } catch { return .failed(error) }
    }

    // MARK: - Session facts

    /// The version of the libpq this process loaded, e.g. "15.18": the system's, whatever its
    /// version, so `plan --version` says which one a report came from.
    public static var clientLibraryVersion: String {
        let number = Int(PQlibVersion())
        return "\(number / 10000).\(number % 10000)"
    }

    public enum TransactionState: Sendable, Equatable { case idle, active, inTransaction, failedTransaction, unknown }

    public var transactionState: TransactionState {
        switch PQtransactionStatus(conn) {
        case PQTRANS_IDLE: .idle
        case PQTRANS_ACTIVE: .active
        case PQTRANS_INTRANS: .inTransaction
        case PQTRANS_INERROR: .failedTransaction
        default: .unknown
        }
    }

    public var isConnected: Bool { PQstatus(conn) == CONNECTION_OK }
    /// e.g. 180006 for 18.6.
    public var serverVersionNumber: Int { Int(PQserverVersion(conn)) }
    public var backendPID: Int { Int(PQbackendPID(conn)) }

    /// Notices received since the last call.
    public func takeNotices() -> [ServerNotice] { notices.take() }

    /// A handle another thread may use to cancel the query running on this connection.
    public func cancelHandle() -> CancelHandle? {
        PQgetCancel(conn).map { CancelHandle($0) }
    }

    // MARK: - Quoting

    /// `"name"` with embedded quotes doubled: SQL's `SQLQuoting`, the tool's one quoting function
    /// (its `literal` is the backslash-safe one for strings).
    public static func quoteIdentifier(_ name: String) -> String { SQLQuoting.identifier(name) }

    // MARK: - Internals

    private func checkNoNul(_ text: String) throws(PostgresError) {
        if text.utf8.contains(0) {
            throw PostgresError(
                kind: .server, message: "text sent to the server contains a NUL byte, which PostgreSQL cannot store",
                sqlState: "22021")
        }
    }

    private func convert(_ result: ResultHandle) throws(PostgresError) -> QueryResult {
        switch PQresultStatus(result.pointer) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return QueryResult(commandTag: String(cString: PQcmdStatus(result.pointer)))
        case PGRES_TUPLES_OK:
            let rowCount = Int(PQntuples(result.pointer))
            let columnCount = Int(PQnfields(result.pointer))
            let columns = (0..<columnCount).map { String(cString: PQfname(result.pointer, Int32($0))) }
            var rows: [[String?]] = []
            rows.reserveCapacity(rowCount)
            for row in 0..<rowCount {
                var values: [String?] = []
                values.reserveCapacity(columnCount)
                for column in 0..<columnCount {
                    if PQgetisnull(result.pointer, Int32(row), Int32(column)) == 1 {
                        values.append(nil)
                    } else {
                        values.append(String(cString: PQgetvalue(result.pointer, Int32(row), Int32(column))))
                    }
                }
                rows.append(values)
            }
            return QueryResult(
                columns: columns, rows: rows, commandTag: String(cString: PQcmdStatus(result.pointer)))
        default:
            throw error(from: result)
        }
    }

    private func error(from result: ResultHandle) -> PostgresError {
        let pointer = result.pointer
        guard pointer != nil, let message = field(pointer, plan_diag_message_primary) else {
            return lastConnectionError()
        }
        let lost = PQstatus(conn) != CONNECTION_OK
        return PostgresError(
            kind: lost ? .connectionLost : .server,
            message: redactor.redact(message),
            sqlState: field(pointer, plan_diag_sqlstate),
            severity: field(pointer, plan_diag_severity_nonlocalized),
            detail: field(pointer, plan_diag_message_detail).map(redactor.redact),
            hint: field(pointer, plan_diag_message_hint).map(redactor.redact),
            position: field(pointer, plan_diag_statement_position).flatMap { Int($0) },
            context: field(pointer, plan_diag_context).map(redactor.redact))
    }

    private func lastConnectionError() -> PostgresError {
        let message = Self.trimmed(String(cString: PQerrorMessage(conn)))
        let lost = PQstatus(conn) != CONNECTION_OK
        return PostgresError(
            kind: lost ? .connectionLost : .server,
            message: redactor.redact(message.isEmpty ? "the server closed the connection" : message))
    }

    private func field(_ result: OpaquePointer?, _ code: Int32) -> String? {
        Self.field(result, code)
    }

    fileprivate static func field(_ result: OpaquePointer?, _ code: Int32) -> String? {
        guard let result, let value = PQresultErrorField(result, code) else { return nil }
        return String(cString: value)
    }

    private static func trimmed(_ message: String) -> String {
        message.trimmingWhitespace()
    }

    /// Options are split on spaces by the server; a backslash keeps one in a value.
    private static func escapeOption(_ value: String) -> String {
        value.replacing("\\", with: "\\\\").replacing(" ", with: "\\ ")
    }

    private static func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let duplicates = strings.map { strdup($0) }
        defer { for pointer in duplicates { free(pointer) } }
        var pointers: [UnsafePointer<CChar>?] = duplicates.map { UnsafePointer($0) }
        pointers.append(nil)
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    private static func withOptionalCStringArray<R>(
        _ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R
    ) -> R {
        let duplicates = strings.map { $0.map { strdup($0) } ?? nil }
        defer { for pointer in duplicates { free(pointer) } }
        let pointers: [UnsafePointer<CChar>?] = duplicates.map { $0.map { UnsafePointer($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}

/// What a script sent as one message did.
public struct ScriptOutcome: Sendable, Equatable {
    /// Statements that completed before the first error (all of them on success).
    public var completedStatements: Int
    public var error: PostgresError?

    public init(completedStatements: Int, error: PostgresError? = nil) {
        self.completedStatements = completedStatements
        self.error = error
    }
}

/// Owns one `PGresult` and clears it when the copy is done.
final class ResultHandle {
    let pointer: OpaquePointer?
    init(_ pointer: OpaquePointer?) {
        self.pointer = pointer
    }
    deinit { if let pointer { PQclear(pointer) } }
}

/// Collects notices from libpq's callback, which runs on the thread using the connection.
final class NoticeCollector {
    private var notices: [ServerNotice] = []
    func append(_ notice: ServerNotice) { notices.append(notice) }
    func take() -> [ServerNotice] {
        defer { notices.removeAll() }
        return notices
    }
}
