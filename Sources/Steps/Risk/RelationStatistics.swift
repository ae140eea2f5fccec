import Runner
import SQL

/// What the server says, read-only, about the relations pending statements touch: sizes from
/// the catalog (estimates, no table is read), the column a type change or SET NOT NULL is about,
/// and the sessions holding locks on them right now. Only SELECTs of catalog functions and views:
/// a dry-run writes no WAL.
struct RelationStatistics {
    struct Relation {
        var oid: String
        /// The table an index belongs to (an index's own oid is `oid`); the relation itself otherwise.
        var tableOID: String
        var name: String
        /// `reltuples`; nil when never analyzed (-1 since PostgreSQL 14).
        var rows: Int64?
        var tableBytes: Int64
        var indexBytes: Int64
        var tableSize: String
        var indexSize: String
    }

    struct Column {
        /// `format_type`, e.g. `character varying(32)`.
        var type: String
        var notNull: Bool
        /// A validated `CHECK (column IS NOT NULL)` exists, so SET NOT NULL skips its scan (PG 12+).
        var provenNotNull: Bool
        /// The session's TimeZone is UTC (as the migration's session will be, from the same
        /// role and database defaults).
        var utc: Bool
    }

    struct Holder {
        var relationOID: String
        var mode: LockMode
        var pid: Int32
        var state: String
        var applicationName: String
        /// Seconds since its transaction started, and since its state last changed.
        var transactionSeconds: Int64?
        var stateSeconds: Int64?
    }

    let connection: PostgresConnection

    /// The relations that exist, by the name the statements used (unqualified names resolve
    /// through the session's search_path, as the migration's would).
    func relations(_ names: [QualifiedName]) throws(PostgresError) -> [QualifiedName: Relation] {
        guard !names.isEmpty else { return [:] }
        let result = try connection.query(
            """
            SELECT n.i, c.oid, t.oid, t.oid::regclass::text, t.reltuples::bigint, pg_table_size(t.oid), pg_indexes_size(t.oid),
                   pg_size_pretty(pg_table_size(t.oid)), pg_size_pretty(pg_indexes_size(t.oid))
            FROM unnest($1::text[]) WITH ORDINALITY AS n(name, i)
            JOIN pg_class c ON c.oid = to_regclass(n.name)
            LEFT JOIN pg_index x ON x.indexrelid = c.oid
            JOIN pg_class t ON t.oid = coalesce(x.indrelid, c.oid)
            """, [Self.textArray(names.map(\.quoted))])
        var found: [QualifiedName: Relation] = [:]
        for row in result.rows {
            guard let i = row[0].flatMap({ Int($0) }), i >= 1, i <= names.count, let oid = row[1], let table = row[2] else { continue }
            let rows = row[4].flatMap { Int64($0) }
            found[names[i - 1]] = Relation(
                oid: oid, tableOID: table, name: row[3] ?? names[i - 1].description, rows: rows.flatMap { $0 < 0 ? nil : $0 },
                tableBytes: row[5].flatMap { Int64($0) } ?? 0, indexBytes: row[6].flatMap { Int64($0) } ?? 0,
                tableSize: row[7] ?? "?", indexSize: row[8] ?? "?")
        }
        return found
    }

    func column(_ name: String, of table: Relation) throws(PostgresError) -> Column? {
        let result = try connection.query(
            """
            SELECT format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   EXISTS (SELECT FROM pg_constraint k WHERE k.conrelid = a.attrelid AND k.contype = 'c' AND k.convalidated
                           AND pg_get_constraintdef(k.oid) = 'CHECK ((' || quote_ident(a.attname) || ' IS NOT NULL))'),
                   current_setting('TimeZone') IN ('UTC', 'Etc/UTC', 'Etc/UCT', 'UCT', 'GMT', 'Etc/GMT', 'Zulu', 'Etc/Zulu', 'Universal', 'Etc/Universal')
            FROM pg_attribute a WHERE a.attrelid = $1::oid AND a.attname = $2 AND NOT a.attisdropped
            """, [table.tableOID, name])
        guard let row = result.rows.first, let type = row[0] else { return nil }
        return Column(type: type, notNull: row[1] == "t", provenNotNull: row[2] == "t", utc: row[3] == "t")
    }

    /// Granted relation locks other sessions hold on these tables (or their indexes).
    func holders(of oids: [String]) throws(PostgresError) -> [Holder] {
        guard !oids.isEmpty else { return [] }
        let result = try connection.query(
            """
            SELECT coalesce(x.indrelid, l.relation), l.mode, l.pid, coalesce(a.state, ''), coalesce(a.application_name, ''),
                   extract(epoch FROM now() - a.xact_start)::bigint, extract(epoch FROM now() - a.state_change)::bigint
            FROM pg_locks l
            JOIN pg_stat_activity a ON a.pid = l.pid
            LEFT JOIN pg_index x ON x.indexrelid = l.relation
            WHERE l.granted AND l.locktype = 'relation' AND l.pid <> pg_backend_pid()
              AND coalesce(x.indrelid, l.relation) = ANY ($1::oid[])
            ORDER BY a.xact_start NULLS LAST, l.pid
            """, [Self.textArray(oids)])
        return result.rows.compactMap { row in
            guard let oid = row[0], let mode = LockMode.allCases.first(where: { $0.catalogName == row[1] }),
                let pid = row[2].flatMap({ Int32($0) })
            else { return nil }
            return Holder(
                relationOID: oid, mode: mode, pid: pid, state: row[3] ?? "", applicationName: row[4] ?? "",
                transactionSeconds: row[5].flatMap { Int64($0) }, stateSeconds: row[6].flatMap { Int64($0) })
        }
    }

    /// A text[] literal: each element double-quoted, `"` and `\` escaped.
    static func textArray(_ items: [String]) -> String {
        "{" + items.map { "\"" + $0.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\"" }.joined(separator: ",") + "}"
    }
}
