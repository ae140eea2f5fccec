import PlanModel
import Runner
import SQL

/// The `vector-recall` check: for sample query vectors taken from the indexed column, the k
/// nearest neighbours the index returns (approximate, with the session settings the check names)
/// against the exact ones (index scans off: a sequential scan and a sort), and recall@k, the share
/// of exact neighbours the index found. Read-only, inside verify's REPEATABLE READ transaction, so
/// both passes see the same rows; every query has a statement timeout; the settings it changes are
/// restored before the next check.
///
/// The approximate queries must go through *this* index, and the planner picks among the
/// table's indexes by cost (pgvector's grows with hnsw's `m` and shrinks with ivfflat's `lists`,
/// so beside an old index a better new one is often not chosen). EXPLAIN says which one it
/// picks; when it is another, a read-only check fails saying so, and a swap's gate (which may)
/// hides the other one from each approximate query: DROP INDEX under a savepoint rolled back
/// at once, which holds the table's ACCESS EXCLUSIVE lock for that one query only.
struct VectorRecallMeasurement {
    let connection: PostgresConnection
    let recall: VectorRecall
    /// The index's schema; nil finds it through search_path, as the application's queries do.
    var schema: String? = nil
    /// Whether indexes the planner prefers may be hidden (the gate's transaction is not read-only).
    var mayHideOtherIndexes = false
    /// The first attempt's lock_timeout for hiding them; each of the few retries doubles it.
    var hidingLockTimeout: Duration = .seconds(1)

    /// What the catalog says of the index: its table, its key (a column or an expression), the
    /// distance operator its operator class orders by, and the type query vectors are cast to.
    struct IndexShape {
        var table: String
        var key: String
        var method: String
        var distance: String
        var vectorType: String
        var isValid: Bool
    }

    var label: String { "recall@\(recall.k) of index \(recall.index)" }

    func result() throws(PostgresError) -> CheckResult {
        guard let shape = try indexShape() else {
            return .failed("\(label): no index named \(recall.index)")
        }
        guard shape.method == "ivfflat" || shape.method == "hnsw" else {
            return .failed("\(label): it is a \(shape.method) index, not a pgvector ivfflat or hnsw one")
        }
        guard shape.isValid else { return .failed("\(label): the index is INVALID (a failed or unfinished build)") }

        let changed = [
            "statement_timeout", "lock_timeout", "enable_seqscan", "enable_indexscan", "enable_bitmapscan", "ivfflat.probes",
            "hnsw.ef_search",
        ]
        var previous: [(String, String)] = []
        for name in changed {
            let value = try connection.query("SELECT current_setting($1, true)", [name]).scalar ?? nil
            previous.append((name, value ?? ""))
        }
        defer {
            for (name, value) in previous where !value.isEmpty {
                _ = try? connection.query("SELECT set_config($1, $2, true)", [name, value])
            }
        }
        try set("statement_timeout", Units.postgresMilliseconds(recall.timeout))
        if let probes = recall.probes { try set("ivfflat.probes", String(probes)) }
        if let efSearch = recall.efSearch { try set("hnsw.ef_search", String(efSearch)) }
        let searchSetting = shape.method == "ivfflat" ? "ivfflat.probes" : "hnsw.ef_search"
        let searchValue = try connection.query("SELECT current_setting($1, true)", [searchSetting]).scalar ?? nil

        // The same rows every time for the same table: a check that passes, passes again.
        let queries = try connection.query(
            "SELECT (\(shape.key))::text FROM \(shape.table) WHERE (\(shape.key)) IS NOT NULL ORDER BY md5(ctid::text) LIMIT $1",
            [String(recall.sample)]
        ).rows.compactMap { $0.first ?? nil }
        guard !queries.isEmpty else { return .failed("\(label): \(shape.table) has no rows to sample query vectors from") }

        let nearest =
            "SELECT ctid::text FROM \(shape.table) ORDER BY (\(shape.key)) \(shape.distance) $1::\(shape.vectorType) LIMIT \(recall.k)"
        try set("enable_seqscan", "off")
        let hidden: [String]
        switch try indexesToHide(nearest, queries[0], shape) {
        case .success(let names): hidden = names
        case .failure(let refusal): return refusal.result
        }
        var approximate: [[String]] = []
        for vector in queries { approximate.append(try approximateNeighbours(nearest, vector, hiding: hidden)) }
        try set("enable_seqscan", "on")
        try set("enable_indexscan", "off")
        try set("enable_bitmapscan", "off")
        var found = 0
        var expected = 0
        for (vector, approximateRows) in zip(queries, approximate) {
            let exact = Set(try connection.query(nearest, [vector]).rows.compactMap { $0.first ?? nil })
            expected += exact.count
            found += approximateRows.filter(exact.contains).count
        }
        let measured = expected == 0 ? 1.0 : Double(found) / Double(expected)
        let how =
            "\(queries.count) sample queries from \(shape.table), \(searchSetting) = \(searchValue ?? "default"); exact neighbours by sequential scan"
            + (hidden.isEmpty ? "" : "; \(hidden.joined(separator: ", ")) hidden from each approximate query, which the planner preferred")
        let shown = Self.format(measured)
        if measured >= recall.minimum {
            return .passed("\(label) is \(shown) ≥ \(Self.format(recall.minimum)) (\(how))")
        }
        let remedy =
            shape.method == "ivfflat"
            ? "raise ivfflat.probes (probes: on the check, SET ivfflat.probes in the application), or rebuild with lists suited to the rows"
            : "raise hnsw.ef_search (ef_search: on the check), or rebuild with a larger m or ef_construction"
        return .failed("\(label) is \(shown), below \(Self.format(recall.minimum)) (\(how)): \(remedy)")
    }

    struct Refusal: Error {
        var result: CheckResult
    }

    /// The index EXPLAIN says answers `nearest`, by name as EXPLAIN prints it.
    private func indexUsed(_ nearest: String, _ vector: String) throws(PostgresError) -> String? {
        let plan = try connection.query("EXPLAIN " + nearest, [vector]).rows.compactMap { $0.first ?? nil }
        for line in plan {
            guard let start = line.firstRange(of: "Index Scan using ") ?? line.firstRange(of: "Index Only Scan using "),
                let end = line[start.upperBound...].firstRange(of: " on ")
            else { continue }
            return String(line[start.upperBound..<end.lowerBound])
        }
        return nil
    }

    /// The indexes to hide so that the planner answers through this one: none when it already
    /// does; else, when allowed, those it prefers, one after the other (in a savepoint, so
    /// nothing of it stays).
    private func indexesToHide(_ nearest: String, _ vector: String, _ shape: IndexShape) throws(PostgresError) -> Result<
        [String], Refusal
    > {
        let wanted = try connection.query("SELECT quote_ident($1)", [recall.index]).scalar ?? recall.index
        var hidden: [String] = []
        guard var used = try indexUsed(nearest, vector), used != wanted else { return .success([]) }
        guard mayHideOtherIndexes else {
            return .failure(
                Refusal(
                    result: .failed(
                        "\(label): the planner answers these queries with index \(used), not \(recall.index), so this read-only check would measure \(used)'s recall; drop the index that is not used, or measure the one the application uses"
                    )))
        }
        try connection.query("SAVEPOINT plan_recall_probe")
        defer { _ = try? connection.query("ROLLBACK TO SAVEPOINT plan_recall_probe") }
        try set("lock_timeout", Units.postgresMilliseconds(hidingLockTimeout))
        let prefix = try schemaPrefix(of: shape)
        while used != wanted, hidden.count < 8 {
            hidden.append(prefix + used)
            try connection.query("DROP INDEX " + prefix + used)
            guard let next = try indexUsed(nearest, vector) else { break }
            used = next
        }
        guard used == wanted else {
            return .failure(
                Refusal(
                    result: .failed(
                        "\(label): the planner does not use \(recall.index) for these queries even with \(hidden.joined(separator: ", ")) hidden"
                    )))
        }
        return .success(hidden)
    }

    /// Indexes live in their table's schema; EXPLAIN prints their names alone.
    private func schemaPrefix(of shape: IndexShape) throws(PostgresError) -> String {
        let schema =
            try connection.query(
                "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1::regclass", [shape.table]
            ).scalar ?? nil
        return schema.map { SQLQuoting.identifier($0) + "." } ?? ""
    }

    /// One approximate query; with `hiding`, those indexes are dropped in a savepoint rolled back
    /// right after it, so the table's lock lasts one query. A lock timeout is retried a few
    /// times, each with twice the timeout.
    private func approximateNeighbours(_ nearest: String, _ vector: String, hiding: [String]) throws(PostgresError) -> [String] {
        guard !hiding.isEmpty else { return try connection.query(nearest, [vector]).rows.compactMap { $0.first ?? nil } }
        var timeout = hidingLockTimeout
        var attempt = 1
        while true {
            try connection.query("SAVEPOINT plan_recall_hide")
            do throws(PostgresError) {
                try set("lock_timeout", Units.postgresMilliseconds(timeout))
                for name in hiding { try connection.query("DROP INDEX " + name) }
                let rows = try connection.query(nearest, [vector]).rows.compactMap { $0.first ?? nil }
                try connection.query("ROLLBACK TO SAVEPOINT plan_recall_hide")
                return rows
            } catch {
                try connection.query("ROLLBACK TO SAVEPOINT plan_recall_hide")
                guard error.sqlState == "55P03", attempt < 5 else { throw error }
                attempt += 1
                timeout = timeout * 2
            }
        }
    }

    private var qualifiedIndex: String { IndexSQL.qualified(schema, recall.index) }

    private func set(_ name: String, _ value: String) throws(PostgresError) {
        try connection.query("SELECT set_config($1, $2, true)", [name, value])
    }

    private func indexShape() throws(PostgresError) -> IndexShape? {
        let row = try connection.query(
            """
            SELECT i.indrelid::regclass::text, pg_get_indexdef(i.indexrelid, 1, true), am.amname,
                   (SELECT o.oprname FROM pg_amop ao JOIN pg_operator o ON o.oid = ao.amopopr
                     WHERE ao.amopfamily = opc.opcfamily AND ao.amoppurpose = 'o' LIMIT 1),
                   format_type(opc.opcintype, NULL), i.indisvalid
            FROM pg_index i
            JOIN pg_class ix ON ix.oid = i.indexrelid
            JOIN pg_am am ON am.oid = ix.relam
            JOIN pg_opclass opc ON opc.oid = i.indclass[0]
            WHERE i.indexrelid = to_regclass($1)
            """, [qualifiedIndex]
        ).rows.first
        guard let row, let table = row[0], let key = row[1], let method = row[2], let vectorType = row[4] else { return nil }
        return IndexShape(
            table: table, key: key, method: method, distance: row[3] ?? "<->", vectorType: vectorType, isValid: row[5] == "t")
    }

    /// Three decimals: recall over a few hundred neighbours is not known more finely.
    static func format(_ value: Double) -> String {
        let thousandths = Int((value * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
