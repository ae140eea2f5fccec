/// The static risk rules: for each statement of a migration (or a `sql` step), the locks it
/// takes on which relations, whether it rewrites or scans them while holding the lock, and the
/// findings of the rules in `RiskRule`. Pure: no database. The dry-run adds live sizes and
/// blockers to these (Steps/Risk).
///
/// Lock levels follow PostgreSQL's documentation: ALTER TABLE takes ACCESS EXCLUSIVE unless a
/// subcommand says otherwise (SET STATISTICS, SET/RESET (options), VALIDATE CONSTRAINT, CLUSTER
/// ON, SET WITHOUT CLUSTER: SHARE UPDATE EXCLUSIVE; ADD FOREIGN KEY and ENABLE/DISABLE TRIGGER:
/// SHARE ROW EXCLUSIVE, the foreign key on the referenced table too); CREATE INDEX takes SHARE,
/// CONCURRENTLY SHARE UPDATE EXCLUSIVE; CREATE TRIGGER SHARE ROW EXCLUSIVE; DROP TABLE,
/// TRUNCATE, VACUUM FULL, CLUSTER, REFRESH MATERIALIZED VIEW ACCESS EXCLUSIVE.
///
/// Relations created earlier in the same file are exempt from the rules (they are empty and
/// nobody else uses them yet), as SQLLint already does for index builds.
public enum RiskAnalyzer {
    public static func analyze(_ statements: [SQLStatement], trailingTrivia: String = "") -> [StatementRisk] {
        let acknowledged = Acknowledgement.codes(for: statements, trailingTrivia: trailingTrivia)
        var created: [QualifiedName] = []
        return statements.enumerated().map { index, statement in
            var analysis = StatementAnalysis(words: StatementWords(statement), created: created)
            analysis.run()
            created += analysis.createdHere
            return StatementRisk(
                statement: statement, locks: analysis.mergedLocks, findings: analysis.findings, acknowledged: acknowledged[index])
        }
    }
}

/// One statement's walk through its tokens.
private struct StatementAnalysis {
    let words: StatementWords
    let created: [QualifiedName]
    var createdHere: [QualifiedName] = []
    var locks: [RelationLock] = []
    var findings: [RiskFinding] = []

    init(words: StatementWords, created: [QualifiedName]) {
        self.words = words
        self.created = created
    }

    var mergedLocks: [RelationLock] {
        var merged: [RelationLock] = []
        for lock in locks {
            if let existing = merged.firstIndex(where: { $0.relation == lock.relation }) {
                merged[existing].mode = max(merged[existing].mode, lock.mode)
            } else {
                merged.append(lock)
            }
        }
        return merged
    }

    func isNew(_ relation: QualifiedName) -> Bool {
        (created + createdHere).contains { $0.mayNameSameRelation(as: relation) }
    }

    mutating func lock(_ relation: QualifiedName?, _ mode: LockMode) {
        if let relation { locks.append(RelationLock(relation, mode)) }
    }

    /// Records a finding unless it is about a relation created earlier in the file.
    mutating func report(_ finding: RiskFinding) {
        if let relation = finding.relation, isNew(relation) { return }
        findings.append(finding)
    }

    mutating func run() {
        var i = 1
        if words.isKeyword(0, "create") {
            create(at: &i)
        } else if words.isKeyword(0, "alter") && words.isKeyword(1, "table") {
            i = 2
            alterTable(at: &i)
        } else if words.isKeyword(0, "drop") {
            drop(at: &i)
        } else if words.isKeyword(0, "truncate") {
            _ = words.skip("table", at: &i)
            for name in names(at: &i) { lock(name, .accessExclusive) }
        } else if words.isKeyword(0, "vacuum") {
            vacuum(at: &i)
        } else if words.isKeyword(0, "cluster") {
            _ = words.skip("verbose", at: &i)
            if let table = words.qualifiedName(at: &i) { rewrite(table, by: "CLUSTER", rule: .preferRepack) }
        } else if words.isKeyword(0, "reindex") {
            reindex(at: &i)
        } else if words.isKeyword(0, "refresh") && words.skip("materialized", "view", at: &i) {
            let concurrently = words.skip("concurrently", at: &i)
            guard let view = words.qualifiedName(at: &i) else { return }
            if concurrently {
                lock(view, .exclusive)
            } else {
                rewrite(
                    view, by: "REFRESH MATERIALIZED VIEW", rule: .rewritingTable,
                    safer: "REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index; reads go on)")
            }
        } else if words.isKeyword(0, "lock") {
            lockStatement(at: &i)
        } else if words.isKeyword(0, "update") {
            _ = words.skip("only", at: &i)
            lock(words.qualifiedName(at: &i), .rowExclusive)
        } else if ["delete", "insert", "merge"].contains(where: { words.isKeyword(0, $0) }) {
            _ = words.skip("from", at: &i) || words.skip("into", at: &i)
            _ = words.skip("only", at: &i)
            lock(words.qualifiedName(at: &i), .rowExclusive)
        }
    }

    /// Comma-separated names, as DROP TABLE and TRUNCATE take them.
    func names(at i: inout Int) -> [QualifiedName] {
        var names: [QualifiedName] = []
        _ = words.skip("only", at: &i)
        while let name = words.qualifiedName(at: &i) {
            names.append(name)
            guard words.isPunctuation(i, ",") else { break }
            i += 1
            _ = words.skip("only", at: &i)
        }
        return names
    }

    // MARK: - CREATE

    mutating func create(at i: inout Int) {
        _ = words.skip("or", "replace", at: &i)
        _ = words.skip("global", at: &i) || words.skip("local", at: &i)
        _ = words.skip("temp", at: &i) || words.skip("temporary", at: &i) || words.skip("unlogged", at: &i)
        if words.skip("table", at: &i) || words.skip("materialized", "view", at: &i) {
            _ = words.skip("if", "not", "exists", at: &i)
            if let table = words.qualifiedName(at: &i) { createdHere.append(table) }
            // A foreign key to an existing table locks it SHARE ROW EXCLUSIVE (no scan: the new
            // table is empty).
            for index in i..<words.count where words.isKeyword(index, "references") {
                var at = index + 1
                if let referenced = words.qualifiedName(at: &at), !isNew(referenced) { lock(referenced, .shareRowExclusive) }
            }
            return
        }
        let unique = words.skip("unique", at: &i)
        if words.skip("index", at: &i) {
            createIndex(at: &i, unique: unique)
            return
        }
        _ = words.skip("constraint", at: &i)
        if words.skip("trigger", at: &i), let on = words.firstKeyword("on", in: i..<words.count, depth: 0) {
            var at = on + 1
            lock(words.qualifiedName(at: &at), .shareRowExclusive)
        }
    }

    /// After CREATE [UNIQUE] INDEX: `[CONCURRENTLY] [[IF NOT EXISTS] name] ON [ONLY] table`.
    mutating func createIndex(at i: inout Int, unique: Bool) {
        let concurrently = words.skip("concurrently", at: &i)
        guard let on = words.firstKeyword("on", in: i..<words.count, depth: 0) else { return }
        var at = on + 1
        _ = words.skip("only", at: &at)
        guard let table = words.qualifiedName(at: &at) else { return }
        lock(table, concurrently ? .shareUpdateExclusive : .share)
        guard !concurrently else { return }
        report(
            RiskFinding(
                rule: .requireConcurrentIndexCreation, relation: table,
                message:
                    "CREATE \(unique ? "UNIQUE " : "")INDEX without CONCURRENTLY builds the index on \(table) under a SHARE lock: writes to the table wait for the whole build (reads go on)",
                locks: [RelationLock(table, .share)], work: .indexBuild))
    }

    // MARK: - DROP

    mutating func drop(at i: inout Int) {
        if words.skip("table", at: &i) {
            _ = words.skip("if", "exists", at: &i)
            for table in names(at: &i) {
                lock(table, .accessExclusive)
                report(
                    RiskFinding(
                        rule: .banDropTable, relation: table,
                        message: "DROP TABLE \(table): its rows are gone, and application code still using it fails",
                        locks: [RelationLock(table, .accessExclusive)]))
            }
        } else if words.skip("index", at: &i) {
            let concurrently = words.skip("concurrently", at: &i)
            _ = words.skip("if", "exists", at: &i)
            for index in names(at: &i) {
                lock(index, concurrently ? .shareUpdateExclusive : .accessExclusive)
                guard !concurrently else { continue }
                report(
                    RiskFinding(
                        rule: .requireConcurrentIndexDeletion, relation: index,
                        message:
                            "DROP INDEX \(index) without CONCURRENTLY takes ACCESS EXCLUSIVE on its table: brief, but it waits behind every open transaction that used the table, and every query after it waits too",
                        locks: [RelationLock(index, .accessExclusive)]))
            }
        }
    }

    // MARK: - VACUUM, REINDEX, LOCK

    mutating func vacuum(at i: inout Int) {
        var full = false
        if words.isPunctuation(i, "(") {
            let end = words.skipParentheses(from: i)
            for index in i..<end where words.isKeyword(index, "full") {
                full = !(words.isKeyword(index + 1, "false") || words.isKeyword(index + 1, "off") || words.isPunctuation(index + 1, "0"))
            }
            i = end
        } else {
            full = words.skip("full", at: &i)
            while words.skip("freeze", at: &i) || words.skip("verbose", at: &i) || words.skip("analyze", at: &i) {}
        }
        for table in names(at: &i) {
            if full {
                rewrite(table, by: "VACUUM FULL", rule: .preferRepack)
            } else {
                lock(table, .shareUpdateExclusive)
            }
            if words.isPunctuation(i, "(") { i = words.skipParentheses(from: i) }
        }
    }

    mutating func reindex(at i: inout Int) {
        var concurrently = false
        if words.isPunctuation(i, "(") {
            let end = words.skipParentheses(from: i)
            concurrently = (i..<end).contains { words.isKeyword($0, "concurrently") }
            i = end
        }
        let isIndex = words.skip("index", at: &i)
        guard isIndex || words.skip("table", at: &i) else { return }
        concurrently = words.skip("concurrently", at: &i) || concurrently
        guard let name = words.qualifiedName(at: &i) else { return }
        lock(name, concurrently ? .shareUpdateExclusive : (isIndex ? .accessExclusive : .share))
        guard !concurrently else { return }
        report(
            RiskFinding(
                rule: .requireConcurrentReindex, relation: name,
                message:
                    "REINDEX \(isIndex ? "INDEX" : "TABLE") \(name) without CONCURRENTLY rebuilds under a SHARE lock on the table (writes wait) and ACCESS EXCLUSIVE on each index (queries using it wait)",
                locks: [RelationLock(name, .share)], work: .indexBuild))
    }

    mutating func lockStatement(at i: inout Int) {
        _ = words.skip("table", at: &i)
        let tables = names(at: &i)
        var mode = LockMode.accessExclusive
        if words.skip("in", at: &i) {
            var spelled: [String] = []
            while i < words.count, !words.isKeyword(i, "mode"), let word = words.words[i].identifier {
                spelled.append(word.uppercased())
                i += 1
            }
            mode = LockMode.allCases.first { $0.name == spelled.joined(separator: " ") } ?? .accessExclusive
        }
        for table in tables { lock(table, mode) }
    }

    mutating func rewrite(_ table: QualifiedName, by what: String, rule: RiskRule, safer: String? = nil) {
        lock(table, .accessExclusive)
        var finding = RiskFinding(
            rule: rule, relation: table,
            message: "\(what) rewrites \(table) (and rebuilds its indexes) under ACCESS EXCLUSIVE: reads and writes wait until it commits",
            locks: [RelationLock(table, .accessExclusive)], work: .rewrite)
        if let safer { finding.rule.safer = safer }
        report(finding)
    }

    // MARK: - ALTER TABLE

    mutating func alterTable(at i: inout Int) {
        _ = words.skip("if", "exists", at: &i)
        _ = words.skip("only", at: &i)
        guard let table = words.qualifiedName(at: &i) else { return }
        if i < words.count, words.words[i].raw == "*" { i += 1 }
        for clause in words.clauses(i..<words.count, depth: 0) {
            subcommand(clause, of: table)
        }
    }

    mutating func subcommand(_ clause: Range<Int>, of table: QualifiedName) {
        var i = clause.lowerBound
        let end = clause.upperBound
        let exclusive = [RelationLock(table, .accessExclusive)]
        if words.skip("add", at: &i) {
            if ["constraint", "check", "unique", "primary", "foreign", "exclude"].contains(where: { words.isKeyword(i, $0) }) {
                tableConstraint(i..<end, of: table)
            } else {
                _ = words.skip("column", at: &i)
                _ = words.skip("if", "not", "exists", at: &i)
                var column = i
                guard let name = words.qualifiedName(at: &column) else { return }
                addColumn(name.description, definition: column..<end, to: table)
            }
        } else if words.skip("alter", at: &i) {
            _ = words.skip("column", at: &i)
            guard let column = words.qualifiedName(at: &i)?.description else { return }
            if words.skip("type", at: &i) || words.skip("set", "data", "type", at: &i) {
                let typeEnd =
                    (i..<end).first { words.words[$0].depth == 0 && (words.isKeyword($0, "using") || words.isKeyword($0, "collate")) }
                    ?? end
                let newType = words.text(i..<typeEnd)
                lock(table, .accessExclusive)
                report(
                    RiskFinding(
                        rule: .changingColumnType, relation: table,
                        message:
                            "changes the type of \(table).\(column) to \(newType): PostgreSQL rewrites \(table) and rebuilds its indexes under ACCESS EXCLUSIVE (reads and writes wait), unless the change is binary-coercible",
                        locks: exclusive, work: .rewrite, column: column,
                        newType: (i..<end).contains { words.isKeyword($0, "using") } ? nil : newType))
            } else if words.skip("set", "not", "null", at: &i) {
                lock(table, .accessExclusive)
                report(
                    RiskFinding(
                        rule: .addingNotNullableField, relation: table,
                        message:
                            "SET NOT NULL on \(table).\(column) scans the whole table under ACCESS EXCLUSIVE (reads and writes wait) unless a validated CHECK (\(column) IS NOT NULL) proves it",
                        locks: exclusive, work: .scan, column: column))
            } else if words.skip("set", "statistics", at: &i) || words.isKeyword(i, "reset")
                || (words.isKeyword(i, "set") && words.isPunctuation(i + 1, "("))
            {
                lock(table, .shareUpdateExclusive)
            } else {
                lock(table, .accessExclusive)
            }
        } else if words.skip("drop", at: &i) {
            lock(table, .accessExclusive)
            guard !words.isKeyword(i, "constraint") else { return }
            _ = words.skip("column", at: &i)
            _ = words.skip("if", "exists", at: &i)
            guard let column = words.qualifiedName(at: &i) else { return }
            report(
                RiskFinding(
                    rule: .banDropColumn, relation: table,
                    message: "drops \(table).\(column): application code still reading or writing it fails", locks: exclusive))
        } else if words.skip("validate", "constraint", at: &i) {
            lock(table, .shareUpdateExclusive)
        } else if words.skip("rename", at: &i) {
            lock(table, .accessExclusive)
            if words.skip("to", at: &i) {
                let name = words.qualifiedName(at: &i)?.description ?? "?"
                report(
                    RiskFinding(
                        rule: .renamingTable, relation: table,
                        message: "renames \(table) to \(name): application code using the old name fails until it is deployed",
                        locks: exclusive))
            } else if !words.isKeyword(i, "constraint") {
                _ = words.skip("column", at: &i)
                let old = words.qualifiedName(at: &i)?.description ?? "?"
                _ = words.skip("to", at: &i)
                let new = words.qualifiedName(at: &i)?.description ?? "?"
                report(
                    RiskFinding(
                        rule: .renamingColumn, relation: table,
                        message: "renames \(table).\(old) to \(new): application code using the old name fails until it is deployed",
                        locks: exclusive))
            }
        } else if words.skip("set", at: &i) {
            if words.isKeyword(i, "tablespace") || words.isKeyword(i, "logged") || words.isKeyword(i, "unlogged")
                || words.skip("access", "method", at: &i)
            {
                rewrite(
                    table, by: "ALTER TABLE … SET \(words.text(clause.lowerBound + 1..<min(clause.lowerBound + 3, end)).uppercased())",
                    rule: .rewritingTable)
            } else if words.isPunctuation(i, "(") || words.skip("without", "cluster", at: &i) {
                lock(table, .shareUpdateExclusive)
            } else {
                lock(table, .accessExclusive)
            }
        } else if words.isKeyword(i, "reset") || words.skip("cluster", "on", at: &i) {
            lock(table, .shareUpdateExclusive)
        } else if words.isKeyword(i, "enable") || words.isKeyword(i, "disable") {
            lock(table, (i..<end).contains { words.isKeyword($0, "trigger") } ? .shareRowExclusive : .accessExclusive)
        } else if words.skip("attach", "partition", at: &i) {
            lock(table, .shareUpdateExclusive)
            lock(words.qualifiedName(at: &i), .accessExclusive)
        } else if words.skip("detach", "partition", at: &i) {
            let partition = words.qualifiedName(at: &i)
            let concurrently = (i..<end).contains { words.isKeyword($0, "concurrently") }
            lock(table, concurrently ? .shareUpdateExclusive : .accessExclusive)
            lock(partition, .accessExclusive)
        } else {
            lock(table, .accessExclusive)
        }
    }

    /// `ADD [CONSTRAINT name] CHECK | UNIQUE | PRIMARY KEY | FOREIGN KEY | EXCLUDE …`.
    mutating func tableConstraint(_ range: Range<Int>, of table: QualifiedName) {
        var i = range.lowerBound
        if words.skip("constraint", at: &i) { _ = words.qualifiedName(at: &i) }
        let notValid = range.contains { words.isKeyword($0, "not") && words.isKeyword($0 + 1, "valid") && words.words[$0].depth == 0 }
        let usingIndex = range.contains { words.isKeyword($0, "using") && words.isKeyword($0 + 1, "index") }
        let exclusive = [RelationLock(table, .accessExclusive)]
        if words.isKeyword(i, "foreign") {
            guard let references = range.first(where: { words.isKeyword($0, "references") }) else { return }
            var at = references + 1
            let referenced = words.qualifiedName(at: &at)
            lock(table, .shareRowExclusive)
            lock(referenced, .shareRowExclusive)
            guard !notValid, let referenced else { return }
            report(
                RiskFinding(
                    rule: .addingForeignKeyConstraint, relation: table,
                    message:
                        "adds a foreign key from \(table) to \(referenced) without NOT VALID: it scans \(table) and looks up every row in \(referenced), with writes to both tables blocked (SHARE ROW EXCLUSIVE on each) until it commits",
                    locks: [RelationLock(table, .shareRowExclusive), RelationLock(referenced, .shareRowExclusive)], work: .scan,
                    alsoScans: isNew(referenced) ? nil : referenced))
        } else if words.isKeyword(i, "check") {
            lock(table, .accessExclusive)
            guard !notValid else { return }
            report(
                RiskFinding(
                    rule: .constraintMissingNotValid, relation: table,
                    message:
                        "adds a CHECK constraint to \(table) without NOT VALID: it scans the whole table under ACCESS EXCLUSIVE (reads and writes wait)",
                    locks: exclusive, work: .scan))
        } else if words.isKeyword(i, "unique") || words.isKeyword(i, "primary") {
            lock(table, .accessExclusive)
            guard !usingIndex else { return }
            let primary = words.isKeyword(i, "primary")
            report(
                RiskFinding(
                    rule: primary ? .addingSerialPrimaryKeyField : .disallowedUniqueConstraint, relation: table,
                    message:
                        "adds a \(primary ? "PRIMARY KEY" : "UNIQUE") constraint to \(table): it builds its index under ACCESS EXCLUSIVE (reads and writes wait for the whole build)",
                    locks: exclusive, work: .indexBuild))
        } else if words.isKeyword(i, "exclude") {
            lock(table, .accessExclusive)
            report(
                RiskFinding(
                    rule: .addingExclusionConstraint, relation: table,
                    message: "adds an exclusion constraint to \(table): it builds its index under ACCESS EXCLUSIVE (reads and writes wait)",
                    locks: exclusive, work: .indexBuild))
        } else {
            lock(table, .accessExclusive)
        }
    }

    /// Functions PostgreSQL marks VOLATILE that column defaults commonly call: such a default is
    /// evaluated per row, so the table is rewritten (a constant or STABLE default, e.g. now()
    /// or CURRENT_TIMESTAMP, is stored once in the catalog since PostgreSQL 11).
    static let volatileFunctions: Set<String> = [
        "random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "uuidv4", "uuidv7",
        "clock_timestamp", "timeofday", "nextval", "gen_random_bytes", "txid_current", "statement_timestamp",
    ]
    static let serialTypes: Set<String> = ["serial", "bigserial", "smallserial", "serial2", "serial4", "serial8"]

    /// `ADD [COLUMN] name type [constraints]`.
    mutating func addColumn(_ column: String, definition range: Range<Int>, to table: QualifiedName) {
        lock(table, .accessExclusive)
        let exclusive = [RelationLock(table, .accessExclusive)]
        let topLevel = range.filter { words.words[$0].depth == 0 }
        let type = range.first.flatMap { words.words[$0].identifier } ?? ""
        let stored = topLevel.contains { words.isKeyword($0, "stored") }
        let generated = topLevel.contains { words.isKeyword($0, "generated") }
        let identity = topLevel.contains { words.isKeyword($0, "identity") }
        let defaultIndex = topLevel.first { words.isKeyword($0, "default") }
        let volatileCall = defaultIndex.flatMap { start in
            (start..<range.upperBound).first { index in
                words.words[index].kind == .word && words.isPunctuation(index + 1, "(")
                    && Self.volatileFunctions.contains(words.words[index].identifier ?? "")
            }
        }
        let notNull = topLevel.contains { words.isKeyword($0, "not") && words.isKeyword($0 + 1, "null") }
        if let references = range.first(where: { words.isKeyword($0, "references") }) {
            var at = references + 1
            lock(words.qualifiedName(at: &at), .shareRowExclusive)
        }
        if Self.serialTypes.contains(type) || (generated && (stored || identity)) || volatileCall != nil {
            let why =
                Self.serialTypes.contains(type)
                ? "a \(type) column's nextval() default"
                : generated
                    ? (identity ? "an identity column's generated values" : "a stored generated column")
                    : "the volatile default \(volatileCall.map { words.words[$0].raw } ?? "")()"
            report(
                RiskFinding(
                    rule: .addingFieldWithDefault, relation: table,
                    message:
                        "adds \(table).\(column) with \(why): every existing row gets its own value, so PostgreSQL rewrites \(table) under ACCESS EXCLUSIVE (reads and writes wait)",
                    locks: exclusive, work: .rewrite, column: column))
        } else if notNull && defaultIndex == nil && !generated {
            report(
                RiskFinding(
                    rule: .addingRequiredField, relation: table,
                    message: "adds \(table).\(column) NOT NULL without a default: it fails if \(table) has any row", locks: exclusive,
                    column: column))
        }
        if let key = topLevel.first(where: { words.isKeyword($0, "unique") || words.isKeyword($0, "primary") }) {
            let primary = words.isKeyword(key, "primary")
            report(
                RiskFinding(
                    rule: primary ? .addingSerialPrimaryKeyField : .disallowedUniqueConstraint, relation: table,
                    message:
                        "adds \(table).\(column) as \(primary ? "a PRIMARY KEY" : "UNIQUE"): its index is built under ACCESS EXCLUSIVE (reads and writes wait for the whole build)",
                    locks: exclusive, work: .indexBuild))
        }
    }
}
