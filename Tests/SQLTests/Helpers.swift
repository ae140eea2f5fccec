import SQL

let testFile = "migration.sql"

func split(_ sql: String) throws -> [SQLStatement] {
    try SQLSplitter.split(sql, file: testFile)
}

func texts(_ sql: String) throws -> [String] {
    try split(sql).map(\.text)
}

/// The error splitting `bytes` raises, or nil when it splits.
func splitError(_ bytes: [UInt8]) -> SQLSyntaxError? {
    do {
        _ = try SQLSplitter.split(bytes, file: testFile)
        return nil
    } catch {
        return error
    }
}

func splitError(_ sql: String) -> SQLSyntaxError? {
    splitError(Array(sql.utf8))
}

func kind(_ sql: String) throws -> StatementKind? {
    let statements = try split(sql)
    return statements.count == 1 ? statements[0].kind : nil
}

func refused(_ statementType: String) -> StatementKind {
    .nonTransactional(reason: "\(statementType) cannot run inside a transaction block")
}

/// Splits `bytes` by feeding a stream `chunkSize` bytes at a time.
func streamScript(_ bytes: [UInt8], chunkSize: Int) throws -> SQLScript {
    var stream = SQLStatementStream(file: testFile)
    var statements: [SQLStatement] = []
    var start = 0
    while start < bytes.count {
        let end = min(start + chunkSize, bytes.count)
        statements += try stream.feed(bytes[start..<end])
        start = end
    }
    statements += try stream.finish()
    return SQLScript(statements: statements, trailingTrivia: stream.trailingTrivia)
}
