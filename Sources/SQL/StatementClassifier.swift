/// Decides, from a statement's first few tokens, whether PostgreSQL 13–18 lets it run inside a
/// transaction block.
///
/// The non-transactional list follows the server's `PreventInTransactionBlock` callers (see
/// README.md). Where the answer depends on catalog state plan cannot see offline (e.g. whether a
/// subscription has a slot), the statement is classified non-transactional: running a
/// transactional statement alone costs atomicity, while sending a refused one inside a block fails.
enum StatementClassifier {
    static func classify(_ bytes: UnsafeBufferPointer<UInt8>) -> StatementKind {
        var reader = TokenReader(bytes)
        let first = reader.next()
        guard let first, first.kind == .word else { return .transactional }
        let word = { (keyword: StaticString) in reader.tokens.isWord(first, keyword) }

        if word("begin") { return .transactionControl(.begin) }
        if word("start") { return reader.nextIs("transaction") ? .transactionControl(.begin) : .transactional }
        if word("commit") || word("end") {
            if word("commit") && reader.skip("prepared") { return refused("COMMIT PREPARED") }
            return reader.hasChain() ? .transactionControl(.commitAndChain) : .transactionControl(.commit)
        }
        if word("rollback") || word("abort") {
            if word("rollback") && reader.skip("prepared") { return refused("ROLLBACK PREPARED") }
            _ = reader.skip("work") || reader.skip("transaction")
            return reader.nextIs("to") ? .transactionControl(.rollbackToSavepoint) : .transactionControl(.rollback)
        }
        if word("savepoint") { return .transactionControl(.savepoint) }
        if word("release") { return .transactionControl(.releaseSavepoint) }
        if word("set") { return reader.nextIs("transaction") ? .transactionControl(.setTransaction) : .transactional }
        if word("prepare") { return reader.nextIs("transaction") ? .transactionControl(.prepareTransaction) : .transactional }
        if word("vacuum") { return refused("VACUUM") }
        if word("create") { return classifyCreate(&reader) }
        if word("drop") { return classifyDrop(&reader) }
        if word("reindex") { return classifyReindex(&reader) }
        if word("cluster") { return classifyCluster(&reader) }
        if word("alter") { return classifyAlter(&reader) }
        if word("discard") { return reader.nextIs("all") ? refused("DISCARD ALL") : .transactional }
        return .transactional
    }

    /// The server's message for a statement it refuses in a block.
    private static func refused(_ statementType: String) -> StatementKind {
        .nonTransactional(reason: "\(statementType) cannot run inside a transaction block")
    }

    private static func classifyCreate(_ reader: inout TokenReader) -> StatementKind {
        if reader.skip("unique") {
            return reader.skip("index") && reader.nextIs("concurrently") ? refused("CREATE INDEX CONCURRENTLY") : .transactional
        }
        if reader.skip("index") { return reader.nextIs("concurrently") ? refused("CREATE INDEX CONCURRENTLY") : .transactional }
        if reader.skip("database") { return refused("CREATE DATABASE") }
        if reader.skip("tablespace") { return refused("CREATE TABLESPACE") }
        if reader.skip("subscription") {
            // create_slot defaults to true, and connect = false implies create_slot = false.
            let options = reader.optionsAfterWith()
            if options.contains(where: { ($0.name == "create_slot" || $0.name == "connect") && $0.isFalse }) {
                return .transactional
            }
            return refused("CREATE SUBSCRIPTION ... WITH (create_slot = true)")
        }
        return .transactional
    }

    private static func classifyDrop(_ reader: inout TokenReader) -> StatementKind {
        if reader.skip("index") { return reader.nextIs("concurrently") ? refused("DROP INDEX CONCURRENTLY") : .transactional }
        if reader.skip("database") { return refused("DROP DATABASE") }
        if reader.skip("tablespace") { return refused("DROP TABLESPACE") }
        // Refused when the subscription has a replication slot, which cannot be known offline.
        if reader.skip("subscription") { return refused("DROP SUBSCRIPTION") }
        return .transactional
    }

    /// `REINDEX [ (option [, …]) ] { INDEX | TABLE | SCHEMA | DATABASE | SYSTEM } [ CONCURRENTLY ] name`.
    private static func classifyReindex(_ reader: inout TokenReader) -> StatementKind {
        var concurrently = false
        if reader.peekIsPunctuation(.openParen) {
            concurrently = reader.optionList().contains { $0.name == "concurrently" && !$0.isFalse }
        }
        let target = reader.next()
        if reader.nextIs("concurrently") { concurrently = true }
        if concurrently { return refused("REINDEX CONCURRENTLY") }
        if reader.tokens.isWord(target, "schema") { return refused("REINDEX SCHEMA") }
        if reader.tokens.isWord(target, "database") { return refused("REINDEX DATABASE") }
        if reader.tokens.isWord(target, "system") { return refused("REINDEX SYSTEM") }
        return .transactional
    }

    /// CLUSTER without a table name clusters every table, one transaction each.
    private static func classifyCluster(_ reader: inout TokenReader) -> StatementKind {
        if reader.peekIsPunctuation(.openParen) { _ = reader.optionList() }
        _ = reader.skip("verbose")
        return reader.next() == nil ? refused("CLUSTER") : .transactional
    }

    private static func classifyAlter(_ reader: inout TokenReader) -> StatementKind {
        if reader.skip("system") { return refused("ALTER SYSTEM") }
        if reader.skip("database") {
            // ALTER DATABASE name SET TABLESPACE new, but not SET parameter TO value.
            _ = reader.next()
            if reader.skip("set") && reader.skip("tablespace") {
                let following = reader.next()
                if following != nil && !reader.tokens.isWord(following, "to") && !reader.tokens.isPunctuation(following, 0x3D) {
                    return refused("ALTER DATABASE SET TABLESPACE")
                }
            }
            return .transactional
        }
        if reader.skip("table") {
            // ALTER TABLE … DETACH PARTITION p CONCURRENTLY (PG 14+).
            var sawDetach = false
            while let token = reader.next() {
                guard token.depth == 0 else { continue }
                if reader.tokens.isWord(token, "detach") { sawDetach = true }
                if sawDetach && reader.tokens.isWord(token, "concurrently") {
                    return refused("ALTER TABLE ... DETACH CONCURRENTLY")
                }
                if reader.tokens.isPunctuation(token, 0x2C) { sawDetach = false }
            }
            return .transactional
        }
        if reader.skip("subscription") { return classifyAlterSubscription(&reader) }
        return .transactional
    }

    private static func classifyAlterSubscription(_ reader: inout TokenReader) -> StatementKind {
        _ = reader.next()  // the subscription's name
        if reader.skip("refresh") { return refused("ALTER SUBSCRIPTION ... REFRESH") }
        if reader.skip("set") || reader.skip("add") || reader.skip("drop") {
            if reader.skip("publication") {
                // refresh defaults to true.
                let options = reader.optionsAfterWith()
                if options.contains(where: { $0.name == "refresh" && $0.isFalse }) { return .transactional }
                return refused("ALTER SUBSCRIPTION with refresh")
            }
            if reader.peekIsPunctuation(.openParen) {
                let options = reader.optionList()
                if options.contains(where: { $0.name == "failover" }) { return refused("ALTER SUBSCRIPTION ... SET (failover)") }
                if options.contains(where: { $0.name == "two_phase" }) { return refused("ALTER SUBSCRIPTION ... SET (two_phase = false)") }
            }
        }
        return .transactional
    }
}

/// One-token lookahead over a statement, with the option-list parsing the classifier needs.
struct TokenReader {
    var tokens: StatementTokenizer
    private var peeked: StatementToken??

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        tokens = StatementTokenizer(bytes)
    }

    mutating func next() -> StatementToken? {
        if let peeked {
            self.peeked = nil
            return peeked
        }
        return tokens.next()
    }

    mutating func peek() -> StatementToken? {
        if let peeked { return peeked }
        let token = tokens.next()
        peeked = .some(token)
        return token
    }

    /// Consumes the next token if it is the word `keyword`.
    mutating func skip(_ keyword: StaticString) -> Bool {
        guard tokens.isWord(peek(), keyword) else { return false }
        peeked = nil
        return true
    }

    /// Whether the next token is the word `keyword` (consuming it either way).
    mutating func nextIs(_ keyword: StaticString) -> Bool {
        tokens.isWord(next(), keyword)
    }

    mutating func peekIsPunctuation(_ byte: UInt8) -> Bool {
        tokens.isPunctuation(peek(), byte)
    }

    /// For COMMIT/END: `[WORK|TRANSACTION] [AND [NO] CHAIN]`.
    mutating func hasChain() -> Bool {
        _ = skip("work") || skip("transaction")
        return skip("and") && skip("chain")
    }

    struct Option {
        var name: String
        /// The value as written (a word, number or string's contents), or nil for a bare option.
        var value: String?
        /// PostgreSQL's boolean parsing (`parse_bool`), for the spellings of false.
        var isFalse: Bool {
            guard let value = value?.lowercased() else { return false }
            return ["false", "f", "fa", "fal", "fals", "off", "of", "no", "n", "0"].contains(value)
        }
    }

    /// Parses `( name [value] [, …] )` or `( name = value, … )` starting at the `(`.
    mutating func optionList() -> [Option] {
        guard peekIsPunctuation(.openParen), let open = next() else { return [] }
        var options: [Option] = []
        var current: Option?
        while let token = next() {
            if token.depth == open.depth && tokens.isPunctuation(token, .closeParen) { break }
            if tokens.isPunctuation(token, 0x2C) {
                if let current { options.append(current) }
                current = nil
                continue
            }
            if tokens.isPunctuation(token, 0x3D) { continue }
            if current == nil {
                current = Option(name: tokens.identifier(token) ?? "", value: nil)
            } else if current?.value == nil {
                current?.value =
                    tokens.stringValue(token) ?? tokens.identifier(token)
                    ?? String(decoding: tokens.bytes[token.range], as: UTF8.self)
            }
        }
        if let current { options.append(current) }
        return options
    }

    /// Skips to a top-level `WITH (` and parses its option list; empty when there is none.
    mutating func optionsAfterWith() -> [Option] {
        while let token = next() {
            if token.depth == 0 && tokens.isWord(token, "with") && peekIsPunctuation(.openParen) {
                return optionList()
            }
        }
        return []
    }
}
