import PlanModel
import Runner
import SQL

/// Sends one `SQLUnit` the way the migrate and sql steps both run them: a run of transactional
/// statements in one BEGIN … COMMIT of the runner's, the author's own block exactly as written,
/// a non-transactional statement alone in autocommit. Each unit is one message (one round trip).
///
/// On failure it rolls back whatever transaction is still open, so the connection is usable
/// again, and maps the server's error to the failing statement's file:line:column.
struct UnitExecutor {
    let connection: PostgresConnection

    struct Failure: Error {
        var error: PostgresError
        /// The statement the server rejected.
        var statement: SQLStatement
        /// `file:line:column` of the error, at the exact character when the server reported one.
        var location: String
    }

    /// Runs `unit`. `insideTransaction` is SQL sent inside the runner's own transaction just before
    /// its COMMIT (migrate records its history row there, so the two commit together); it is
    /// ignored for the other unit kinds, whose callers record progress after they commit.
    /// `lockTimeout` is set for a runner's transaction (`SET LOCAL`, right after its BEGIN) and
    /// around an author's block (set before it, reset after it); never for a statement alone.
    func run(_ unit: SQLUnit, insideTransaction extra: String? = nil, lockTimeout: Duration? = nil) -> Failure? {
        var script = ""
        // Where each statement starts in the script, in characters: the server reports error
        // positions in characters of the whole message.
        var offsets: [Int] = []
        var characters = 0
        func append(_ text: String) {
            script += text
            characters += text.unicodeScalars.count
        }
        // Statements of ours that complete before the unit's first.
        var ours = 0
        let setting = lockTimeout.map { "'" + Units.postgresMilliseconds($0) + "'" }
        switch unit {
        case .transaction(let statements):
            append("BEGIN;\n")
            ours = 1
            if let setting {
                append("SET LOCAL lock_timeout = \(setting);\n")
                ours += 1
            }
            for statement in statements {
                offsets.append(characters)
                append(statement.text + "\n;\n")
            }
            if let extra { append(extra + ";\n") }
            append("COMMIT;")
        case .authorBlock(let statements):
            if let setting {
                append("SET lock_timeout = \(setting);\n")
                ours = 1
            }
            for statement in statements {
                offsets.append(characters)
                append(statement.text + "\n;\n")
            }
            if setting != nil { append("RESET lock_timeout;") }
        case .autocommit(let statement):
            offsets.append(0)
            append(statement.text)
        }
        let outcome = connection.runScript(script)
        guard let error = outcome.error else { return nil }
        if connection.isConnected, connection.transactionState != .idle { _ = try? connection.execute("ROLLBACK") }
        if setting != nil, case .authorBlock = unit, connection.isConnected { _ = try? connection.execute("RESET lock_timeout") }

        let statements = unit.statements
        // Our BEGIN and SET count as completed statements; nothing precedes the first statement
        // of a statement alone. A syntax error stops the whole message before
        // anything runs, so its position, when given, is what names the statement.
        let completed = outcome.completedStatements - ours
        let failed = min(max(Migrator.failingStatement(error, offsets: offsets, completed: completed), 0), statements.count - 1)
        let location = ErrorLocation.locate(error, in: statements[failed], scriptOffset: offsets[failed])
        return Failure(error: error, statement: statements[failed], location: location)
    }
}
