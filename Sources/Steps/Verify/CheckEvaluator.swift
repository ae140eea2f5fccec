import PlanModel
import Runner
import SQL

/// How one check is evaluated. Most checks ask the server one question whose answer decides
/// them, and those questions travel together, one round trip for the step; a check that needs
/// answers in turn asks them itself.
enum CheckEvaluation {
    /// Decided without asking the server (a check the author wrote wrongly, a history already read).
    case decided(CheckResult)
    /// One query, then a decision.
    case oneQuery(ParameterizedQuery, decide: (QueryResult) -> Decision)
    /// Questions in turn, each depending on the last.
    case stepwise(() throws(PostgresError) -> CheckResult)

    var isStepwise: Bool { if case .stepwise = self { true } else { false } }

    /// One query whose answer alone decides the check.
    static func deciding(_ question: ParameterizedQuery, _ decide: @escaping (QueryResult) -> CheckResult) -> CheckEvaluation {
        .oneQuery(question) { .result(decide($0)) }
    }
}

/// What a check's answer decides: its result, or that it must ask a follow-up question first,
/// in the step's transaction (an uncommon case: an extension that is not installed, a type
/// spelled differently from the server's name for it).
enum Decision {
    case result(CheckResult)
    case askFurther(() throws(PostgresError) -> CheckResult)
}

/// Evaluates verify checks on a connection that is inside the step's READ ONLY transaction. Each
/// check reads the catalogs (or runs the author's query) and says what it observed.
struct CheckEvaluator {
    let connection: PostgresConnection
    let folders: MigrationFolderCache
    /// `_prisma_migrations` as the migrate step just before read it and left it, if it did.
    var history: (exists: Bool, rows: [HistoryRow])? = nil

    func evaluation(of kind: VerifyCheck.Kind) -> CheckEvaluation {
        switch kind {
        case .migrationsUpToDate(let migrations): migrationsUpToDate(migrations)
        case .index(let name, let table, let method, let mustBeValid):
            index(name, table: table, method: method, mustBeValid: mustBeValid)
        case .noInvalidIndexes(let schema): noInvalidIndexes(schema)
        case .extensionInstalled(let name, let version): extensionInstalled(name, version: version)
        case .table(let schema, let name): table(schema: schema, name)
        case .column(let table, let name, let type): column(table: table, name, type: type)
        case .setting(let name, let comparison, let value): setting(name, comparison, value)
        case .query(let sql, let expect): query(sql, expect: expect)
        case .vectorRecall(let recall):
            .stepwise { [connection] () throws(PostgresError) -> CheckResult in
                try VectorRecallMeasurement(connection: connection, recall: recall).result()
            }
        }
    }

    /// What a check reads, which an earlier step of a dry-run may change before the check runs.
    static func subject(_ kind: VerifyCheck.Kind) -> Subject {
        switch kind {
        case .migrationsUpToDate(let migrations): .history(folder: migrations)
        case .index(let name, _, _, _): .index(name)
        case .vectorRecall(let recall): .index(recall.index)
        case .noInvalidIndexes, .extensionInstalled, .table, .column, .setting: .schema
        case .query: .everything
        }
    }

    /// What output calls a check, e.g. "index idx_x", "migrations in prisma/migrations".
    static func label(_ kind: VerifyCheck.Kind) -> String {
        switch kind {
        case .migrationsUpToDate(let migrations): "migrations in \(migrations)"
        case .index(let name, _, _, _): "index \(name)"
        case .noInvalidIndexes(let schema): "invalid indexes in schema \(schema ?? "(current)")"
        case .extensionInstalled(let name, _): "extension \(name)"
        case .table(let schema, let name): "table \(schema.map { "\($0)." } ?? "")\(name)"
        case .column(let table, let name, _): "column \(table).\(name)"
        case .setting(let name, _, _): "setting \(name)"
        case .query(let sql, _): "query `\(sql.count > 60 ? sql.prefix(57) + "…" : sql)`"
        case .vectorRecall(let recall): "recall@\(recall.k) of index \(recall.index)"
        }
    }

    // MARK: - Checks

    /// The same diagnosis `plan status` makes (pending, failed, edited, missing locally).
    private func migrationsUpToDate(_ migrations: String) -> CheckEvaluation {
        let label = "migrations in \(migrations)"
        let folder: MigrationFolder
        do { folder = try folders.folder(at: migrations) } catch { return .decided(.failed("\(label): \(error.description)")) }
        func decide(_ read: (exists: Bool, rows: [HistoryRow])) -> CheckResult {
            let diagnosis = HistoryDiagnosis(folder: folder, rows: read.rows, hasTable: read.exists)
            if diagnosis.isUpToDate {
                return .passed("\(label): up to date (\(folder.migrations.count) applied)")
            }
            return .failed("\(label): " + diagnosis.problems(folder: migrations).joined(separator: "; "))
        }
        if let history { return .decided(decide(history)) }
        return .stepwise { () throws(PostgresError) in decide(try MigrationHistory.read(from: connection)) }
    }

    private func index(_ name: String, table: String?, method: IndexStep.Method?, mustBeValid: Bool) -> CheckEvaluation {
        let question = ParameterizedQuery(
            """
            SELECT t.relname, n.nspname, am.amname, i.indisvalid AND i.indisready
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
            JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
            JOIN pg_catalog.pg_am am ON am.oid = c.relam
            WHERE c.relname = $1 AND pg_catalog.pg_table_is_visible(c.oid)
            """, [name])
        return .deciding(question) { result in
            guard let row = result.rows.first else {
                return .failed("index \(name): does not exist")
            }
            let actualTable = row[0] ?? ""
            let schema = row[1] ?? ""
            let actualMethod = row[2] ?? ""
            let valid = row[3] == "t"
            let observed = "index \(name) on \(actualTable) using \(actualMethod)"
            var problems: [String] = []
            if let table, table != actualTable, table != "\(schema).\(actualTable)" {
                problems.append("it is on table \(actualTable), not \(table)")
            }
            if let method, method.rawValue != actualMethod {
                problems.append("it uses \(actualMethod), not \(method.rawValue)")
            }
            if mustBeValid, !valid {
                problems.append(
                    "INVALID (a failed or interrupted CREATE INDEX CONCURRENTLY left it; queries do not use it: drop it with DROP INDEX CONCURRENTLY and build it again)"
                )
            }
            if problems.isEmpty { return .passed(observed + (valid ? ", valid" : "")) }
            return .failed("index \(name): " + problems.joined(separator: "; "))
        }
    }

    private func noInvalidIndexes(_ schema: String?) -> CheckEvaluation {
        // First whether any index in the database is INVALID: one scan of pg_index, the cheapest
        // question to plan in a new session (0.4 ms against 0.6 for the one below). Only when
        // some are does the check ask which, in which schema, on which table.
        let anyInvalid = ParameterizedQuery(
            """
            SELECT coalesce($1, current_schema()),
                   (SELECT count(*) FROM pg_catalog.pg_index i WHERE NOT (i.indisvalid AND i.indisready))
            """, [schema])
        return .oneQuery(anyInvalid) { [connection] result in
            let schemaName = result.rows.first?[0] ?? "(current)"
            guard let count = result.rows.first?[1], count != "0" else {
                return .result(.passed("no invalid indexes in schema \(schemaName)"))
            }
            return .askFurther { () throws(PostgresError) in
                try Self.invalidIndexes(in: schema, on: connection)
            }
        }
    }

    /// The INVALID indexes of `schema` (the current one when nil), named with pg_identify_object
    /// (unquoted by parse_ident) rather than joins on pg_class, whose planning costs more than
    /// the answer; the schema's name comes back in a row of its own.
    private static func invalidIndexes(in schema: String?, on connection: PostgresConnection) throws(PostgresError) -> CheckResult {
        // An index another session is building (named by the progress view, or locked by it) is
        // not left over: advising to drop it would break that build.
        let result = try connection.query(
            """
            SELECT coalesce($1, current_schema()), NULL, NULL, NULL
            UNION ALL
            SELECT index.schema, (pg_catalog.parse_ident(index.name))[1], (pg_catalog.parse_ident(tab.name))[1],
                   EXISTS (SELECT 1 FROM pg_catalog.pg_locks l
                           WHERE l.relation = i.indexrelid AND l.granted AND l.pid <> pg_catalog.pg_backend_pid())
                   OR EXISTS (SELECT 1 FROM pg_catalog.pg_stat_progress_create_index p WHERE p.index_relid = i.indexrelid)
            FROM pg_catalog.pg_index i,
                 pg_catalog.pg_identify_object('pg_catalog.pg_class'::pg_catalog.regclass, i.indexrelid, 0) AS index,
                 pg_catalog.pg_identify_object('pg_catalog.pg_class'::pg_catalog.regclass, i.indrelid, 0) AS tab
            WHERE NOT (i.indisvalid AND i.indisready) AND index.schema = coalesce($1, current_schema())
            """, [schema])
        let found = result.rows.dropFirst().map { (index: $0[1] ?? "", table: $0[2] ?? "", beingBuilt: $0[3] == "t") }
        let building = Set(found.filter(\.beingBuilt).map(\.index)).sorted()
        let schemaName = result.rows.first?[0] ?? "(current)"
        let inProgress = building.isEmpty ? "" : " (being built right now, not invalid: \(building.joined(separator: ", ")))"
        let invalid = found.filter { !$0.beingBuilt }.sorted { $0.index < $1.index }
        guard !invalid.isEmpty else { return .passed("no invalid indexes in schema \(schemaName)" + inProgress) }
        let listed = invalid.map { "\($0.index) (on \($0.table))" }.joined(separator: ", ")
        return .failed(
            "\(invalid.count) INVALID index(es) in schema \(schemaName): \(listed). A failed CREATE INDEX CONCURRENTLY leaves these; drop them (DROP INDEX CONCURRENTLY) and rebuild\(inProgress)"
        )
    }

    private func extensionInstalled(_ name: String, version: (VerifyCheck.Comparison, String)?) -> CheckEvaluation {
        let question = ParameterizedQuery("SELECT extversion FROM pg_catalog.pg_extension WHERE extname = $1", [name])
        return .oneQuery(question) { [connection] result in
            guard let installed = result.scalar else {
                return .askFurther { () throws(PostgresError) in
                    let available = try connection.query(
                        "SELECT default_version FROM pg_catalog.pg_available_extensions WHERE name = $1", [name]
                    ).scalar
                    let hint =
                        available == nil
                        ? " and the server does not offer it (install the package on the server)" : " (CREATE EXTENSION \(name))"
                    return .failed("extension \(name): not installed\(hint)")
                }
            }
            guard let (comparison, wanted) = version else { return .result(.passed("extension \(name) \(installed)")) }
            if VersionComparison.compare(installed, comparison, wanted) {
                return .result(.passed("extension \(name) \(installed) \(comparison.rawValue) \(wanted)"))
            }
            return .result(
                .failed("extension \(name) \(installed), expected \(comparison.rawValue) \(wanted) (ALTER EXTENSION \(name) UPDATE)"))
        }
    }

    private func table(schema: String?, _ name: String) -> CheckEvaluation {
        // to_regclass finds the relation the search_path shows (or the one in `schema`), and
        // relation names are unique per schema across kinds, so this is the visible table or
        // view of that name, if any. No join on pg_class to plan: in a new session that
        // planning cost more than the rest of the check.
        let question = ParameterizedQuery(
            """
            SELECT relation.schema
            FROM pg_catalog.pg_identify_object('pg_catalog.pg_class'::pg_catalog.regclass, pg_catalog.to_regclass(
                     CASE WHEN $2::text IS NULL THEN pg_catalog.quote_ident($1::text)
                          ELSE pg_catalog.quote_ident($2::text) || '.' || pg_catalog.quote_ident($1::text) END), 0) AS relation
            WHERE relation.type IN ('table', 'view', 'materialized view', 'foreign table')
            """, [name, schema])
        let label = "table \(schema.map { "\($0)." } ?? "")\(name)"
        return .deciding(question) { result in
            guard let row = result.rows.first else {
                return .failed("\(label): does not exist\(schema == nil ? " in the search_path" : "")")
            }
            return .passed("\(label) exists (in schema \(row[0] ?? ""))")
        }
    }

    private func column(table: String, _ name: String, type: String?) -> CheckEvaluation {
        let parts = table.split(separator: ".", maxSplits: 1).map(String.init)
        let schema = parts.count == 2 ? parts[0] : nil
        let relation = parts.last ?? table
        let question = ParameterizedQuery(
            """
            SELECT pg_catalog.format_type(a.atttypid, a.atttypmod)
            FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relname = $1 AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped
              AND (n.nspname = $3 OR ($3 IS NULL AND pg_catalog.pg_table_is_visible(c.oid)))
            """, [relation, name, schema])
        let label = "column \(table).\(name)"
        return .oneQuery(question) { [connection] result in
            guard let actual = result.scalar ?? nil else {
                return .result(.failed("\(label): does not exist"))
            }
            guard let type else { return .result(.passed("\(label) \(actual)")) }
            // Text comparison after normalising aliases; on PostgreSQL 17+ the server also parses
            // the expected type (`to_regtypemod`), which knows every alias and extension type.
            if TypeName.normalised(actual) == TypeName.normalised(type) { return .result(.passed("\(label) \(actual)")) }
            let mismatch = CheckResult.failed("\(label) is \(actual), expected \(type)")
            guard connection.serverVersionNumber >= 170000 else { return .result(mismatch) }
            return .askFurther { () throws(PostgresError) in
                try Self.serverParses(type, as: actual, on: connection) ? .passed("\(label) \(actual)") : mismatch
            }
        }
    }

    /// Whether the server reads `expected` as the type it formats as `actual`. In a nested
    /// savepoint: a type name the server cannot parse must not fail the whole check.
    private static func serverParses(_ expected: String, as actual: String, on connection: PostgresConnection) throws(PostgresError) -> Bool
    {
        try connection.execute("SAVEPOINT plan_verify_type")
        do {
            let parsed = try connection.query("SELECT pg_catalog.format_type(to_regtype($1), to_regtypemod($1))", [expected]).scalar ?? nil
            try connection.execute("RELEASE SAVEPOINT plan_verify_type")
            return parsed == actual
        } catch {
            try connection.execute("ROLLBACK TO SAVEPOINT plan_verify_type")
            return false
        }
    }

    private func setting(_ name: String, _ comparison: VerifyCheck.Comparison, _ value: String) -> CheckEvaluation {
        let question = ParameterizedQuery(
            "SELECT current_setting($1, true), setting, unit, vartype FROM pg_catalog.pg_settings WHERE name = lower($1)", [name])
        return .deciding(question) { result in
            guard let row = result.rows.first, let shown = row[0] ?? row[1] else {
                return .failed("setting \(name): the server has no such setting (see pg_settings for the names)")
            }
            let setting = SettingComparison(setting: row[1] ?? "", unit: row[2], type: row[3] ?? "string")
            let statement = "setting \(name) = \(shown)"
            switch setting.compare(comparison, value) {
            case .holds(true): return .passed("\(statement) \(comparison.rawValue) \(value)")
            case .holds(false): return .failed("\(statement), expected \(comparison.rawValue) \(value)")
            case .incomparable(let why): return .failed("\(statement): cannot check \(comparison.rawValue) \(value): \(why)")
            }
        }
    }

    /// The author's query, one statement, inside the READ ONLY transaction: anything that writes
    /// fails with SQLSTATE 25006.
    private func query(_ sql: String, expect: VerifyCheck.Expectation) -> CheckEvaluation {
        let label = Self.label(.query(sql: sql, expect: expect))
        let statements: [SQLStatement]
        do { statements = try SQLSplitter.split(sql, file: "query") } catch { return .decided(.failed("\(label): \(error.message)")) }
        guard statements.count == 1, let statement = statements.first else {
            return .decided(
                .failed(
                    "\(label): a query check runs exactly one statement, and this has \(statements.count); split it into several checks"))
        }
        // Transaction control would end the READ ONLY transaction the checks rely on.
        guard case .transactional = statement.kind else {
            return .decided(
                .failed(
                    "\(label): \(statement.text.prefix(30)) cannot run in a verify check, which runs in one READ ONLY transaction; use a plain query"
                ))
        }
        return .deciding(ParameterizedQuery(statement.text)) { result in
            let count = result.rows.count
            switch expect {
            case .empty:
                return count == 0 ? .passed("\(label) returned no rows") : .failed("\(label) returned \(count) row(s), expected none")
            case .rowCount(let wanted):
                return count == wanted
                    ? .passed("\(label) returned \(count) row(s)") : .failed("\(label) returned \(count) row(s), expected \(wanted)")
            case .value(let wanted):
                guard count == 1 else { return .failed("\(label) returned \(count) row(s), expected one row with \(wanted)") }
                let observed = result.scalar ?? nil
                let shown = observed ?? "NULL"
                return observed == wanted ? .passed("\(label) = \(shown)") : .failed("\(label) = \(shown), expected \(wanted)")
            }
        }
    }
}
