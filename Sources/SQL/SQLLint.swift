/// Static checks of a SQL file for `plan check`: no database needed. Returns diagnostics as data.
///
/// - errors: anything the splitter or segmenter rejects;
/// - notes: every statement that will run outside a transaction, and why;
/// - warnings: `CREATE INDEX` without CONCURRENTLY on a table the file did not create (it blocks
///   writes for the whole build); `CREATE INDEX CONCURRENTLY` without IF NOT EXISTS (a failed build
///   leaves an INVALID index that makes a retry fail); a value added by `ALTER TYPE … ADD VALUE`
///   used later in the same transaction (PostgreSQL: "unsafe use of new value"); and
///   `SET standard_conforming_strings = off`, which changes how later strings lex.
public enum SQLLint {
    public static func check(_ source: String, file: String) -> [SQLDiagnostic] {
        check(Array(source.utf8), file: file)
    }

    public static func check(_ bytes: [UInt8], file: String) -> [SQLDiagnostic] {
        do {
            return check(try SQLSplitter.split(bytes, file: file))
        } catch {
            return [SQLDiagnostic(error)]
        }
    }

    /// Diagnostics in file order (by line, then column).
    public static func check(_ statements: [SQLStatement]) -> [SQLDiagnostic] {
        let (units, errors) = SQLSegmenter.analyze(statements)
        var diagnostics = errors.map(SQLDiagnostic.init)
        for statement in statementsOutsideTransaction(units) {
            if case .nonTransactional(let reason) = statement.kind {
                diagnostics.append(
                    SQLDiagnostic(
                        .note, code: "runs-outside-transaction", "runs outside a transaction, alone in autocommit: \(reason)", at: statement
                    ))
            }
        }
        diagnostics += indexWarnings(statements)
        for unit in units {
            diagnostics += newEnumValueWarnings(unit.statements)
        }
        diagnostics += stringLexingWarnings(statements)
        return diagnostics.enumerated().sorted {
            ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset)
        }.map(\.element)
    }

    /// The statements the runner sends alone in autocommit, in order.
    public static func statementsOutsideTransaction(_ units: [SQLUnit]) -> [SQLStatement] {
        units.compactMap { unit in
            if case .autocommit(let statement) = unit { return statement }
            return nil
        }
    }

    // MARK: - Index builds

    private static func indexWarnings(_ statements: [SQLStatement]) -> [SQLDiagnostic] {
        var createdTables: [QualifiedName] = []
        var diagnostics: [SQLDiagnostic] = []
        for statement in statements {
            withTokens(statement) { reader in
                guard reader.skip("create") else { return }
                if let table = createdRelation(&reader) {
                    createdTables.append(table)
                    return
                }
                guard let index = indexDefinition(&reader) else { return }
                if index.concurrently {
                    if !index.ifNotExists {
                        diagnostics.append(
                            SQLDiagnostic(
                                .warning, code: "concurrent-index-without-if-not-exists",
                                "CREATE INDEX CONCURRENTLY without IF NOT EXISTS: a failed build leaves an INVALID index behind, and a retry then fails (or, unnamed, builds a second index); name the index and add IF NOT EXISTS",
                                at: statement))
                    }
                } else if let table = index.table, !createdTables.contains(where: { $0.mayNameSameRelation(as: table) }) {
                    diagnostics.append(
                        SQLDiagnostic(
                            .warning, code: "require-concurrent-index-creation",
                            "CREATE INDEX without CONCURRENTLY on \(table), which this file does not create: it blocks writes to the table for the whole build; use CREATE INDEX CONCURRENTLY (it then runs outside a transaction)",
                            at: statement))
                }
            }
        }
        return diagnostics
    }

    /// After CREATE: `[GLOBAL|LOCAL] [TEMP|TEMPORARY|UNLOGGED] TABLE [IF NOT EXISTS] name` or
    /// `MATERIALIZED VIEW [IF NOT EXISTS] name`; nil (having read a little) for anything else.
    private static func createdRelation(_ reader: inout TokenReader) -> QualifiedName? {
        _ = reader.skip("global") || reader.skip("local")
        _ = reader.skip("temp") || reader.skip("temporary") || reader.skip("unlogged")
        guard reader.skip("table") || (reader.skip("materialized") && reader.skip("view")) else { return nil }
        if reader.skip("if") { _ = reader.skip("not") && reader.skip("exists") }
        return qualifiedName(&reader)
    }

    private struct IndexDefinition {
        var concurrently: Bool
        var ifNotExists: Bool
        var table: QualifiedName?
    }

    /// After CREATE: `[UNIQUE] INDEX [CONCURRENTLY] [[IF NOT EXISTS] name] ON [ONLY] table`.
    private static func indexDefinition(_ reader: inout TokenReader) -> IndexDefinition? {
        _ = reader.skip("unique")
        guard reader.skip("index") else { return nil }
        var index = IndexDefinition(concurrently: reader.skip("concurrently"), ifNotExists: false)
        if reader.skip("if") { index.ifNotExists = reader.skip("not") && reader.skip("exists") }
        while let token = reader.next() {
            if token.depth == 0 && reader.tokens.isWord(token, "on") {
                _ = reader.skip("only")
                index.table = qualifiedName(&reader)
                break
            }
        }
        return index
    }

    static func qualifiedName(_ reader: inout TokenReader) -> QualifiedName? {
        var parts: [String] = []
        while let token = reader.peek(), let part = reader.tokens.identifier(token) {
            _ = reader.next()
            parts.append(part)
            guard reader.peekIsPunctuation(0x2E) else { break }
            _ = reader.next()
        }
        return parts.isEmpty ? nil : QualifiedName(parts: parts)
    }

    // MARK: - New enum values

    /// `ALTER TYPE t ADD VALUE 'x'` followed in the same unit by a statement mentioning 'x', unless
    /// the unit created the type itself (then PostgreSQL allows it).
    private static func newEnumValueWarnings(_ unit: [SQLStatement]) -> [SQLDiagnostic] {
        var createdTypes: [QualifiedName] = []
        var added: [(type: QualifiedName, label: String, statement: SQLStatement)] = []
        var diagnostics: [SQLDiagnostic] = []
        for statement in unit {
            var literals: [String] = []
            var dollarBodies: [String] = []
            withTokens(statement) { reader in
                if reader.skip("create") && reader.skip("type"), let type = qualifiedName(&reader),
                    reader.skip("as") && reader.skip("enum")
                {
                    createdTypes.append(type)
                    return
                }
                var scan = TokenReader(reader.tokens.bytes)
                if let addition = EnumValueAddition.read(&scan) {
                    if let label = addition.label, !createdTypes.contains(where: { $0.mayNameSameRelation(as: addition.type) }) {
                        added.append((addition.type, label, statement))
                    }
                    return
                }
                var all = TokenReader(reader.tokens.bytes)
                while let token = all.next() {
                    if token.kind == .string, let value = all.tokens.stringValue(token) { literals.append(value) }
                    if token.kind == .dollarString, let body = all.tokens.stringValue(token) { dollarBodies.append(body) }
                }
            }
            for value in added
            where literals.contains(value.label) || dollarBodies.contains(where: { $0.contains(quotedLiteral(value.label)) }) {
                diagnostics.append(
                    SQLDiagnostic(
                        .warning, code: "new-enum-value-used-in-same-transaction",
                        "uses the enum value '\(value.label)' that ALTER TYPE \(value.type) ADD VALUE at line \(value.statement.line) adds in the same transaction: PostgreSQL fails with \"unsafe use of new value\"; move the ALTER TYPE to an earlier migration",
                        at: statement))
            }
        }
        return diagnostics
    }

    /// How `label` appears as a literal in SQL text (e.g. inside a DO body): quoted, quotes doubled.
    private static func quotedLiteral(_ label: String) -> String {
        "'" + label.replacing("'", with: "''") + "'"
    }

    // MARK: - String lexing

    private static func stringLexingWarnings(_ statements: [SQLStatement]) -> [SQLDiagnostic] {
        statements.compactMap { statement in
            var turnsOff = false
            withTokens(statement) { reader in
                _ = reader.skip("set")
                _ = reader.skip("session") || reader.skip("local")
                guard reader.skip("standard_conforming_strings") else { return }
                var value = reader.next()
                if reader.tokens.isWord(value, "to") || reader.tokens.isPunctuation(value, 0x3D) { value = reader.next() }
                guard let value else { return }
                let text = reader.tokens.stringValue(value) ?? reader.tokens.identifier(value) ?? ""
                turnsOff = TokenReader.Option(name: "", value: text).isFalse
            }
            guard turnsOff else { return nil }
            return SQLDiagnostic(
                .warning, code: "standard-conforming-strings-off",
                "standard_conforming_strings = off makes the server read backslashes in '…' strings as escapes, but plan splits files as if it were on; use E'…' strings instead",
                at: statement)
        }
    }

    static func withTokens(_ statement: SQLStatement, _ body: (inout TokenReader) -> Void) {
        var text = statement.text
        text.withUTF8 { bytes in
            var reader = TokenReader(bytes)
            body(&reader)
        }
    }
}

/// A possibly schema-qualified relation or type name, each part already case-folded.
public struct QualifiedName: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var parts: [String]

    public init(parts: [String]) {
        self.parts = parts
    }

    /// Offline there is no search_path: an unqualified name may be any schema's.
    public func mayNameSameRelation(as other: QualifiedName) -> Bool {
        guard parts.last == other.parts.last else { return false }
        return parts.count == 1 || other.parts.count == 1 || parts == other.parts
    }

    public var description: String { parts.joined(separator: ".") }

    /// As SQL: each part quoted, so `to_regclass` resolves it as PostgreSQL resolved the statement.
    public var quoted: String { parts.map(SQLQuoting.identifier).joined(separator: ".") }
}
