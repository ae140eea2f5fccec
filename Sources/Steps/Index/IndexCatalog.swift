import FoundationEssentials
import Runner

/// What the catalog says about the table, its columns, pgvector and an existing index of the
/// same name. Read-only queries, so the dry-run can use them on its read-only connection.
struct IndexCatalog {
    let connection: PostgresConnection

    struct Table: Equatable {
        var oid: String
        var schema: String
        var name: String
        /// `r` table, `p` partitioned, `m` materialized view, …
        var kind: String
        var persistence: String
        var heapBlocks: Int64
        var blockSize: Int64
        /// pg_class.reltuples: -1 when never vacuumed or analyzed.
        var estimatedRows: Double
    }

    struct Column: Equatable {
        var name: String
        var typeName: String
        /// The type's own modifier: dimensions for vector/halfvec/sparsevec, length for bit; -1 none.
        var typeModifier: Int
        var formattedType: String
    }

    struct VectorExtension: Equatable {
        /// `pg_extension.extversion`: the SQL objects' version.
        var installed: String
        /// `pg_available_extensions.default_version`: the package on the server's disk, whose
        /// shared library is the one that builds (and checks memory).
        var library: String?
        /// The version whose C code runs the build.
        var effective: String { library ?? installed }
    }

    struct ExistingIndex: Equatable {
        struct Key: Equatable {
            /// The column's name, or nil for an expression.
            var column: String?
            /// The key as pg_get_indexdef prints it (the expression for expression keys).
            var text: String
            var opclass: String?
            var opclassIsDefault: Bool
            var descending: Bool
            var nullsFirst: Bool
        }
        var oid: String
        var schema: String
        var name: String
        var table: String
        var valid: Bool
        var ready: Bool
        var method: String
        var unique: Bool
        var definition: String
        var keys: [Key]
        var include: [String]
        var options: [String]
        var predicate: String?
        /// The session building it right now, when it is not valid because a build is under way
        /// rather than because one failed.
        var builder: Builder? = nil
    }

    /// Another session working on an index that is not valid yet: a CREATE INDEX CONCURRENTLY in
    /// progress, not a leftover of a failed one (which no session holds).
    struct Builder: Equatable {
        var pid: Int
        /// pg_stat_progress_create_index's phase, when this role may read it.
        var phase: String?
        /// It holds the migration lock: a concurrent deploy, which a run would wait for.
        var isDeploy: Bool

        var description: String {
            "pid \(pid)" + (phase.map { ", \($0)" } ?? "") + (isDeploy ? ", a deploy holding the migration lock" : "")
        }
    }

    /// Who is building the index `oid`, if anyone: the session pg_stat_progress_create_index
    /// names (every phase, including its waits for other transactions), else one holding a lock
    /// on it (a build locks the index it fills, and nothing else uses an index that is not valid;
    /// this is what a role that may not read others' progress still sees).
    func builder(of oid: String) throws(PostgresError) -> Builder? {
        let row = try connection.query(
            """
            SELECT b.pid, b.phase,
                   EXISTS (SELECT 1 FROM pg_locks a WHERE a.locktype = 'advisory' AND a.granted AND a.pid = b.pid
                           AND ((a.classid::bigint << 32) | a.objid::bigint) = \(AdvisoryLock.prismaKey))
            FROM (SELECT p.pid, p.phase, 0 AS rank FROM pg_stat_progress_create_index p WHERE p.index_relid = $1::oid
                  UNION ALL
                  SELECT l.pid, NULL, 1 FROM pg_locks l WHERE l.relation = $1::oid AND l.granted AND l.pid <> pg_backend_pid()) b
            ORDER BY b.rank, b.pid
            LIMIT 1
            """, [oid]
        ).rows.first
        guard let row, let pid = Int(row[0] ?? "") else { return nil }
        return Builder(pid: pid, phase: row[1], isDeploy: row[2] == "t")
    }

    func table(schema: String?, name: String) throws(PostgresError) -> Table? {
        let qualified = IndexSQL.qualified(schema, name)
        let result = try connection.query(
            """
            SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence,
                   pg_relation_size(c.oid, 'main'), current_setting('block_size')::int, c.reltuples
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.oid = to_regclass($1)
            """, [qualified])
        guard let row = result.rows.first else { return nil }
        return Table(
            oid: row[0] ?? "", schema: row[1] ?? "", name: row[2] ?? "", kind: row[3] ?? "", persistence: row[4] ?? "",
            heapBlocks: (Int64(row[5] ?? "0") ?? 0) / max(1, Int64(row[6] ?? "8192") ?? 8192),
            blockSize: Int64(row[6] ?? "8192") ?? 8192, estimatedRows: Double(row[7] ?? "-1") ?? -1)
    }

    func columns(of table: Table) throws(PostgresError) -> [String: Column] {
        let result = try connection.query(
            """
            SELECT a.attname, t.typname, a.atttypmod, format_type(a.atttypid, a.atttypmod)
            FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
            WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
            """, [table.oid])
        var columns: [String: Column] = [:]
        for row in result.rows {
            let column = Column(
                name: row[0] ?? "", typeName: row[1] ?? "", typeModifier: Int(row[2] ?? "-1") ?? -1, formattedType: row[3] ?? "")
            columns[column.name] = column
        }
        return columns
    }

    func vectorExtension() throws(PostgresError) -> VectorExtension? {
        let result = try connection.execute(
            """
            SELECT e.extversion, a.default_version
            FROM pg_extension e LEFT JOIN pg_available_extensions a ON a.name = e.extname
            WHERE e.extname = 'vector'
            """)
        guard let row = result.rows.first else { return nil }
        return VectorExtension(installed: row[0] ?? "", library: row[1])
    }

    /// The server's maintenance_work_mem in kB.
    func maintenanceWorkMemKilobytes() throws(PostgresError) -> Int64 {
        Int64(try connection.execute("SELECT setting FROM pg_settings WHERE name = 'maintenance_work_mem'").scalar ?? "") ?? 65_536
    }

    /// Rows the build would read for this key, counted exactly but never more than `limit`:
    /// pgvector samples at most that many, so counting further would only cost time.
    func rowsReadByBuild(table: Table, key: String, predicate: String?, limit: Int64) throws(PostgresError) -> Int64 {
        var filter = key + " IS NOT NULL"
        if let predicate { filter += " AND (" + predicate + ")" }
        let sql =
            "SELECT count(*) FROM (SELECT 1 FROM " + IndexSQL.qualified(table.schema, table.name)
            + " WHERE " + filter + " LIMIT " + String(max(limit, 0)) + ") AS sampled"
        return Int64(try connection.query(sql).scalar ?? "0") ?? 0
    }

    /// The relation called `name` in `schema`, if any, and whether it is an index.
    func relationKind(schema: String, name: String) throws(PostgresError) -> String? {
        try connection.query(
            "SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2",
            [schema, name]
        ).scalar
    }

    func existingIndex(schema: String, name: String) throws(PostgresError) -> ExistingIndex? {
        let result = try connection.query(
            """
            SELECT c.oid, n.nspname, c.relname, t.relname, i.indisvalid, i.indisready, am.amname, i.indisunique,
                   pg_get_indexdef(c.oid), i.indnkeyatts, coalesce(array_to_json(c.reloptions)::text, '[]'),
                   pg_get_expr(i.indpred, i.indrelid, true)
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_index i ON i.indexrelid = c.oid
            JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_am am ON am.oid = c.relam
            WHERE n.nspname = $1 AND c.relname = $2
            """, [schema, name])
        guard let row = result.rows.first else { return nil }
        let oid = row[0] ?? ""
        let keyCount = Int(row[9] ?? "0") ?? 0
        let keyRows = try connection.query(
            """
            SELECT k.ord, a.attname, pg_get_indexdef(i.indexrelid, k.ord::int, true),
                   oc.opcname, oc.opcdefault, coalesce(i.indoption[k.ord - 1], 0)
            FROM pg_index i
            CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
            LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0
            LEFT JOIN pg_opclass oc ON k.ord <= i.indnkeyatts AND oc.oid = i.indclass[k.ord - 1]
            WHERE i.indexrelid = $1::oid
            ORDER BY k.ord
            """, [oid])
        var keys: [ExistingIndex.Key] = []
        var include: [String] = []
        for (position, key) in keyRows.rows.enumerated() {
            if position >= keyCount {
                include.append(key[1] ?? key[2] ?? "")
                continue
            }
            let option = Int(key[5] ?? "0") ?? 0
            keys.append(
                ExistingIndex.Key(
                    column: key[1], text: key[2] ?? "", opclass: key[3], opclassIsDefault: key[4] == "t",
                    descending: option & 1 != 0, nullsFirst: option & 2 != 0))
        }
        let options = (try? JSONDecoder().decode([String].self, from: Data((row[10] ?? "[]").utf8))) ?? []
        let valid = row[4] == "t"
        return ExistingIndex(
            oid: oid, schema: row[1] ?? "", name: row[2] ?? "", table: row[3] ?? "", valid: valid,
            ready: row[5] == "t", method: row[6] ?? "", unique: row[7] == "t", definition: row[8] ?? "",
            keys: keys, include: include, options: options, predicate: row[11], builder: valid ? nil : try builder(of: oid))
    }
}
