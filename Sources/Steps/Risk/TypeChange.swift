/// Whether `ALTER COLUMN … TYPE new` from the column's current type keeps the table as it is:
/// PostgreSQL skips the rewrite when the old type is binary-coercible to the new one and the
/// new one's modifier accepts every old value (ALTER TABLE's notes; strong_migrations' table of
/// safe changes). Only the cases recognisable for sure are accepted; anything else is a rewrite.
enum TypeChange {
    /// `old` as `format_type` prints it (`character varying(32)`), `new` as the migration wrote it.
    /// `utc`: the session's TimeZone is UTC, which makes timestamp ↔ timestamptz a relabelling
    /// (PostgreSQL 12+).
    static func keepsTable(from old: String, to new: String, utc: Bool = false) -> Bool {
        let from = Spelling(old)
        let to = Spelling(new)
        if from == to { return true }
        switch (from.base, to.base) {
        case ("character varying", "character varying"):
            // Widening or removing the limit.
            guard let toLimit = to.modifiers.first else { return true }
            guard let fromLimit = from.modifiers.first else { return false }
            return toLimit >= fromLimit
        case ("character varying", "text"), ("text", "character varying"):
            return to.modifiers.isEmpty
        case ("numeric", "numeric"):
            // Same scale, no less precision; or unconstrained.
            guard !to.modifiers.isEmpty else { return true }
            guard from.modifiers.count >= 1, to.modifiers.count >= 1 else { return false }
            return to.modifiers[0] >= from.modifiers[0] && (to.modifiers.dropFirst().first ?? 0) == (from.modifiers.dropFirst().first ?? 0)
        case ("timestamp without time zone", "timestamp without time zone"), ("timestamp with time zone", "timestamp with time zone"),
            ("time without time zone", "time without time zone"), ("interval", "interval"):
            guard let toPrecision = to.modifiers.first else { return true }
            return toPrecision >= (from.modifiers.first ?? 6)
        case ("cidr", "inet"):
            return true
        case ("timestamp without time zone", "timestamp with time zone"), ("timestamp with time zone", "timestamp without time zone"):
            guard utc else { return false }
            guard let toPrecision = to.modifiers.first else { return true }
            return toPrecision >= (from.modifiers.first ?? 6)
        default:
            return false
        }
    }

    /// A type name in `format_type`'s words, its modifiers apart: `VARCHAR(32)` →
    /// (`character varying`, [32]), `timestamptz(3)` → (`timestamp with time zone`, [3]).
    struct Spelling: Equatable {
        var base: String
        var modifiers: [Int]

        init(_ text: String) {
            var name = text.lowercased().replacing("\"", with: "")
            var modifiers: [Int] = []
            if let open = name.firstIndex(of: "("), let close = name[open...].firstIndex(of: ")") {
                modifiers = name[name.index(after: open)..<close].split(separator: ",").compactMap {
                    Int($0.trimmingCharacters(in: " "))
                }
                name = String(name[..<open] + name[name.index(after: close)...])
            }
            name = name.split(separator: " ").joined(separator: " ")
            if name.hasPrefix("pg_catalog.") { name = String(name.dropFirst("pg_catalog.".count)) }
            let aliases = [
                "varchar": "character varying", "int": "integer", "int4": "integer", "int8": "bigint", "int2": "smallint",
                "decimal": "numeric", "timestamp": "timestamp without time zone", "timestamptz": "timestamp with time zone",
                "time": "time without time zone", "bool": "boolean", "float8": "double precision", "float4": "real",
            ]
            self.base = aliases[name] ?? name
            self.modifiers = modifiers
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> Substring {
        var result = self
        while result.first == set { result = result.dropFirst() }
        while result.last == set { result = result.dropLast() }
        return result
    }
}
