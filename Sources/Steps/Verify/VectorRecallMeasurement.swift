import PlanModel
import Runner

/// The `vector-recall` check: for sample query vectors taken from the indexed column, the k
/// nearest neighbours the index returns (approximate, with the session settings the check names)
/// against the exact ones (index scans off: a sequential scan and a sort), and recall@k, the share
/// of exact neighbours the index found. Read-only, inside verify's REPEATABLE READ transaction, so
/// both passes see the same rows; every query has a statement timeout; the settings it changes are
/// restored before the next check.
struct VectorRecallMeasurement {
    let connection: PostgresConnection
    let recall: VectorRecall

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

        let changed = ["statement_timeout", "enable_seqscan", "enable_indexscan", "enable_bitmapscan", "ivfflat.probes", "hnsw.ef_search"]
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
        var approximate: [[String]] = []
        for vector in queries { approximate.append(try connection.query(nearest, [vector]).rows.compactMap { $0.first ?? nil }) }
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
            """, [PostgresConnection.quoteIdentifier(recall.index)]
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
