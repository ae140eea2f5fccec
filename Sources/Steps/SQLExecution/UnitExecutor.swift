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
    func run(_ unit: SQLUnit, insideTransaction extra: String? = nil) -> Failure? {
        var script = ""
        // Where each statement starts in the script, in characters: the server reports error
        // positions in characters of the whole message.
        var offsets: [Int] = []
        var characters = 0
        func append(_ text: String) {
            script += text
            characters += text.unicodeScalars.count
        }
        switch unit {
        case .transaction(let statements):
            append("BEGIN;\n")
            for statement in statements {
                offsets.append(characters)
                append(statement.text + "\n;\n")
            }
            if let extra { append(extra + ";\n") }
            append("COMMIT;")
        case .authorBlock(let statements):
            for statement in statements {
                offsets.append(characters)
                append(statement.text + "\n;\n")
            }
        case .autocommit(let statement):
            offsets.append(0)
            append(statement.text)
        }
        let outcome = connection.runScript(script)
        guard let error = outcome.error else { return nil }
        if connection.isConnected, connection.transactionState != .idle { _ = try? connection.execute("ROLLBACK") }

        let statements = unit.statements
        // Our BEGIN counts as a completed statement of a runner's transaction; nothing precedes
        // the first statement of the other kinds. A syntax error stops the whole message before
        // anything runs, so its position, when given, is what names the statement.
        var completed = outcome.completedStatements
        if case .transaction = unit { completed -= 1 }
        let failed = min(max(Migrator.failingStatement(error, offsets: offsets, completed: completed), 0), statements.count - 1)
        let location = ErrorLocation.locate(error, in: statements[failed], scriptOffset: offsets[failed])
        return Failure(error: error, statement: statements[failed], location: location)
    }
}
