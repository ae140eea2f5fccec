import PlanModel

/// A column type as `format_type` prints it, so `int`, `INT4` and `integer` are one type and a
/// plan can say `varchar(20)` for `character varying(20)`.
enum TypeName {
    static func normalised(_ type: String) -> String {
        var text = type.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for punctuation in ["(", ")", ","] {
            text = text.replacing(" " + punctuation, with: punctuation)
        }
        text = text.replacing(", ", with: ",").replacing("( ", with: "(")
        let (base, modifier, array) = split(text)
        let canonical = aliases[base] ?? base
        // `timestamp(3) with time zone` keeps its precision before the zone, as format_type does.
        if let modifier, let zone = canonical.firstRange(of: " with") {
            return String(canonical[..<zone.lowerBound]) + modifier + String(canonical[zone.lowerBound...]) + array
        }
        return canonical + (modifier ?? "") + array
    }

    private static func split(_ text: String) -> (String, String?, String) {
        var rest = Substring(text)
        var array = ""
        while rest.hasSuffix("[]") {
            array += "[]"
            rest = rest.dropLast(2)
        }
        guard let open = rest.firstIndex(of: "("), let close = rest.lastIndex(of: ")"), open < close else {
            return (String(rest), nil, array)
        }
        let base = String(rest[..<open]) + String(rest[rest.index(after: close)...])
        return (base.trimmingWhitespace(), String(rest[open...close]), array)
    }

    private static let aliases: [String: String] = [
        "int": "integer", "int4": "integer", "int8": "bigint", "int2": "smallint",
        "float8": "double precision", "float": "double precision", "float4": "real",
        "bool": "boolean", "varchar": "character varying", "char": "character", "bpchar": "character",
        "decimal": "numeric", "timestamptz": "timestamp with time zone", "timestamp": "timestamp without time zone",
        "timetz": "time with time zone", "time": "time without time zone", "varbit": "bit varying",
        "serial": "integer", "bigserial": "bigint", "serial4": "integer", "serial8": "bigint",
    ]
}
