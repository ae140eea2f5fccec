internal import CLibPQ
import FoundationEssentials
import Glibc
import PlanModel

/// One libpq session. It owns its `PGconn` and frees it in `deinit`; results are copied into
/// `QueryResult` values before the `PGresult` is cleared, so no C handle escapes.
///
/// Not Sendable: libpq allows one thread per connection at a time. The one thing another thread
/// may do is cancel the running query, through `cancelHandle()`.
public final class PostgresConnection {
    private let conn: OpaquePointer
    private let pq: LibPQ
    private let notices: NoticeCollector
    public let redactor: Redactor
    public let target: ConnectionTarget

    /// Connects, or throws a `.connection` error whose message is safe to print.
    public init(
        target: ConnectionTarget, applicationName: String = "plan/\(PlanVersion.current)",
        readOnly: Bool = false, redactor: Redactor = Redactor()
    ) throws(PostgresError) {
        let pq = try LibPQ.load()
        self.pq = pq
        notices = NoticeCollector(pq: pq)
        var redactor = redactor
        for secret in target.secrets { redactor.add(secret) }
        // getenv, not ProcessInfo's environment: this runs on the connecting thread, on the
        // critical path, and that dictionary of every variable costs more than the lookup.
        if let password = getenv("PGPASSWORD") { redactor.add(String(cString: password)) }
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
        keywords.append("application_name")
        values.append(applicationName)
        if !options.isEmpty {
            keywords.append("options")
            values.append(options.joined(separator: " "))
        }
        let connection = Self.withCStringArray(keywords) { keywordPointers in
            Self.withCStringArray(values) { valuePointers in
                pq.connectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection else {
            throw PostgresError(kind: .connection, message: "out of memory while connecting")
        }
        guard pq.status(connection) == CONNECTION_OK else {
            let message = redactor.redact(Self.trimmed(LibPQ.string(pq.errorMessage(connection))))
            pq.finish(connection)
            throw PostgresError(kind: .connection, message: message)
        }
        conn = connection
        _ = pq.setNoticeReceiver(
            conn,
            { context, result in
                guard let context, let result else { return }
                let collector = Unmanaged<NoticeCollector>.fromOpaque(context).takeUnretainedValue()
                let field = { (code: Int32) in PostgresConnection.field(result, code, pq: collector.pq) }
                collector.append(
                    ServerNotice(
                        severity: field(plan_diag_severity_nonlocalized) ?? "NOTICE",
                        message: field(plan_diag_message_primary) ?? "",
                        sqlState: field(plan_diag_sqlstate)))
            },
            Unmanaged.passUnretained(notices).toOpaque())
    }

    deinit {
        pq.finish(conn)
    }

    // MARK: - Queries

    /// Runs SQL with the simple query protocol (several statements allowed) and returns the last
    /// statement's rows.
    @discardableResult
    public func execute(_ sql: String) throws(PostgresError) -> QueryResult {
        try checkNoNul(sql)
        let result = ResultHandle(pq.exec(conn, sql), pq: pq)
        return try convert(result)
    }

    /// Runs SQL with the simple query protocol and returns every statement's rows, in order: one
    /// round trip for several questions. The first error is thrown, as `execute` would.
    public func executeEach(_ sql: String) throws(PostgresError) -> [QueryResult] {
        try checkNoNul(sql)
        guard pq.sendQuery(conn, sql) == 1 else { throw lastConnectionError() }
        var results: [QueryResult] = []
        var firstError: PostgresError?
        while let raw = pq.getResult(conn) {
            let result = ResultHandle(raw, pq: pq)
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
            ResultHandle(pq.execParams(conn, sql, Int32(parameters.count), nil, pointers, nil, nil, 0), pq: pq)
        }
        return try convert(result)
    }

    /// Runs one statement and decodes each row of its answer, sent in PostgreSQL's binary format:
    /// a timestamp arrives as its microseconds, so rows can be ordered here without asking the
    /// server to sort (on a new session, planning the sort looks its operators up in the catalog:
    /// ~0.4 ms) and without depending on the session's DateStyle or TimeZone. `decode` sees each
    /// row while the result is alive; what it returns must not keep the row.
    public func queryBinary<Row>(_ sql: String, _ decode: (BinaryRow) throws(PostgresError) -> Row) throws(PostgresError) -> [Row] {
        try checkNoNul(sql)
        let result = ResultHandle(pq.execParams(conn, sql, 0, nil, nil, nil, nil, 1), pq: pq)
        guard pq.resultStatus(result.pointer) == PGRES_TUPLES_OK, let pointer = result.pointer else {
            throw error(from: result)
        }
        let count = pq.ntuples(pointer)
        var rows: [Row] = []
        rows.reserveCapacity(Int(count))
        for row in 0..<count { rows.append(try decode(BinaryRow(result: pointer, row: row, pq: pq))) }
        return rows
    }

    /// Sends a script of several statements as one message (one round trip) and reads the
    /// server's answer for each: how many statements succeeded, and the first error.
    public func runScript(_ sql: String) -> ScriptOutcome {
        do { try checkNoNul(sql) } catch { return ScriptOutcome(completedStatements: 0, error: error) }
        guard pq.sendQuery(conn, sql) == 1 else {
            return ScriptOutcome(completedStatements: 0, error: lastConnectionError())
        }
        var completed = 0
        var firstError: PostgresError?
        while let raw = pq.getResult(conn) {
            let result = ResultHandle(raw, pq: pq)
            switch pq.resultStatus(result.pointer) {
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
    /// With a libpq older than 14 the queries go one at a time: the same outcomes, except that
    /// without a BEGIN of its own each query then commits by itself.
    public func batch(_ queries: [ParameterizedQuery]) throws(PostgresError) -> [BatchOutcome] {
        for query in queries {
            try checkNoNul(query.sql)
            for case let parameter? in query.parameters { try checkNoNul(parameter) }
        }
        guard let pipeline = pq.pipeline, queries.count > 1 else { return oneAtATime(queries) }
        guard pipeline.enter(conn) == 1 else { throw lastConnectionError() }
        defer { _ = pipeline.exit(conn) }
        for query in queries {
            let sent = Self.withOptionalCStringArray(query.parameters) { pointers in
                pipeline.sendQueryParams(conn, query.sql, Int32(query.parameters.count), nil, pointers, nil, nil, 0)
            }
            guard sent == 1 else { throw lastConnectionError() }
        }
        guard pipeline.sync(conn) == 1 else { throw lastConnectionError() }

        var outcomes: [BatchOutcome] = []
        outcomes.reserveCapacity(queries.count)
        for _ in queries {
            // Each query's results end with a NULL; a lost connection yields an error, then NULLs.
            var outcome = BatchOutcome.skipped
            while let raw = pq.getResult(conn) {
                let result = ResultHandle(raw, pq: pq)
                switch pq.resultStatus(result.pointer) {
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
        while let raw = pq.getResult(conn) { _ = ResultHandle(raw, pq: pq) }
        return outcomes
    }

    private func oneAtATime(_ queries: [ParameterizedQuery]) -> [BatchOutcome] {
        var outcomes: [BatchOutcome] = []
        var failed = false
        for query in queries {
            guard !failed else {
                outcomes.append(.skipped)
                continue
            }
            do { outcomes.append(.succeeded(try self.query(query.sql, query.parameters))) } catch {
                outcomes.append(.failed(error))
                failed = true
            }
        }
        return outcomes
    }

    // MARK: - Session facts

    public enum TransactionState: Sendable, Equatable { case idle, active, inTransaction, failedTransaction, unknown }

    public var transactionState: TransactionState {
        switch pq.transactionStatus(conn) {
        case PQTRANS_IDLE: .idle
        case PQTRANS_ACTIVE: .active
        case PQTRANS_INTRANS: .inTransaction
        case PQTRANS_INERROR: .failedTransaction
        default: .unknown
        }
    }

    public var isConnected: Bool { pq.status(conn) == CONNECTION_OK }
    /// e.g. 180006 for 18.6.
    public var serverVersionNumber: Int { Int(pq.serverVersion(conn)) }
    public var backendPID: Int { Int(pq.backendPID(conn)) }

    /// Notices received since the last call.
    public func takeNotices() -> [ServerNotice] { notices.take() }

    /// A handle another thread may use to cancel the query running on this connection.
    public func cancelHandle() -> CancelHandle? {
        pq.getCancel(conn).map { CancelHandle($0, pq: pq) }
    }

    // MARK: - Quoting

    /// `"name"` with embedded quotes doubled: how a value becomes an identifier in SQL text.
    public static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacing("\"", with: "\"\"") + "\""
    }

    /// A string literal. With standard_conforming_strings (on since 9.1) only quotes need
    /// doubling; a backslash gets the E'' form so the literal means the same either way.
    public static func quoteLiteral(_ value: String) -> String {
        if value.contains("\\") {
            return "E'" + value.replacing("\\", with: "\\\\").replacing("'", with: "''") + "'"
        }
        return "'" + value.replacing("'", with: "''") + "'"
    }

    // MARK: - Internals

    private func checkNoNul(_ text: String) throws(PostgresError) {
        if text.utf8.contains(0) {
            throw PostgresError(
                kind: .server, message: "text sent to the server contains a NUL byte, which PostgreSQL cannot store",
                sqlState: "22021")
        }
    }

    private func convert(_ result: ResultHandle) throws(PostgresError) -> QueryResult {
        switch pq.resultStatus(result.pointer) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return QueryResult(commandTag: LibPQ.string(pq.cmdStatus(result.pointer)))
        case PGRES_TUPLES_OK:
            let rowCount = Int(pq.ntuples(result.pointer))
            let columnCount = Int(pq.nfields(result.pointer))
            let columns = (0..<columnCount).map { LibPQ.string(pq.fname(result.pointer, Int32($0))) }
            var rows: [[String?]] = []
            rows.reserveCapacity(rowCount)
            for row in 0..<rowCount {
                var values: [String?] = []
                values.reserveCapacity(columnCount)
                for column in 0..<columnCount {
                    if pq.getisnull(result.pointer, Int32(row), Int32(column)) == 1 {
                        values.append(nil)
                    } else {
                        values.append(LibPQ.string(pq.getvalue(result.pointer, Int32(row), Int32(column))))
                    }
                }
                rows.append(values)
            }
            return QueryResult(
                columns: columns, rows: rows, commandTag: LibPQ.string(pq.cmdStatus(result.pointer)))
        default:
            throw error(from: result)
        }
    }

    private func error(from result: ResultHandle) -> PostgresError {
        let pointer = result.pointer
        guard pointer != nil, let message = field(pointer, plan_diag_message_primary) else {
            return lastConnectionError()
        }
        let lost = pq.status(conn) != CONNECTION_OK
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
        let message = Self.trimmed(LibPQ.string(pq.errorMessage(conn)))
        let lost = pq.status(conn) != CONNECTION_OK
        return PostgresError(
            kind: lost ? .connectionLost : .server,
            message: redactor.redact(message.isEmpty ? "the server closed the connection" : message))
    }

    private func field(_ result: OpaquePointer?, _ code: Int32) -> String? {
        Self.field(result, code, pq: pq)
    }

    fileprivate static func field(_ result: OpaquePointer?, _ code: Int32, pq: LibPQ) -> String? {
        guard let result, let value = pq.resultErrorField(result, code) else { return nil }
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
    private let pq: LibPQ
    init(_ pointer: OpaquePointer?, pq: LibPQ) {
        self.pointer = pointer
        self.pq = pq
    }
    deinit { if let pointer { pq.clear(pointer) } }
}

/// Collects notices from libpq's callback, which runs on the thread using the connection.
final class NoticeCollector {
    let pq: LibPQ
    private var notices: [ServerNotice] = []
    init(pq: LibPQ) { self.pq = pq }
    func append(_ notice: ServerNotice) { notices.append(notice) }
    func take() -> [ServerNotice] {
        defer { notices.removeAll() }
        return notices
    }
}
