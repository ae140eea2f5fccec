import PlanModel
import Runner
import SQL

/// The type of a vector index's key as pgvector sees it when the build starts: a column's
/// declared type, or the type of an expression key such as `(embedding::halfvec(3072))`, which
/// is how a vector of more than 2,000 dimensions gets an index. pgvector checks the index
/// attribute's type and type modifier, so that is what the preflight checks too.
struct IndexKeyType: Equatable {
    /// `column embedding` or `expression (embedding::halfvec(3072))`, for messages.
    var label: String
    /// The key as SQL, in parentheses when it is an expression: for counting the rows a build reads.
    var sql: String
    /// The key as the plan author wrote it: the column's name, or the expression in parentheses.
    var written: String
    var isExpression: Bool
    /// `pg_type.typname`: vector, halfvec, bit, sparsevec, …
    var typeName: String
    /// Dimensions (bits for `bit`); -1 when the type has none.
    var typeModifier: Int
    var formattedType: String

    init(column: IndexCatalog.Column) {
        label = "column \(column.name)"
        sql = SQLQuoting.identifier(column.name)
        written = column.name
        isExpression = false
        typeName = column.typeName
        typeModifier = column.typeModifier
        formattedType = column.formattedType
    }

    /// Why an expression's type could not be found: the server's answer to the expression.
    struct Unresolved: Error {
        var error: PostgresError
        /// It names a column, function or type that does not exist (yet): a migration before
        /// this step may create it.
        var mayBeCreatedEarlier: Bool {
            // undefined_column, undefined_function, undefined_object (a type), undefined_table
            ["42703", "42883", "42704", "42P01"].contains(error.sqlState ?? "")
        }
    }

    /// The expression's type, as the server resolves it on `table` (`SELECT (expression) FROM
    /// table`, described but never executed: read-only, and the same type and modifier CREATE
    /// INDEX would give the index attribute).
    static func of(expression: String, table: IndexCatalog.Table, connection: PostgresConnection) throws(PostgresError)
        -> Result<IndexKeyType, Unresolved>
    {
        let key = "(" + expression + ")"
        let described: [DescribedColumn]
        do { described = try connection.describe("SELECT " + key + " FROM " + IndexSQL.qualified(table.schema, table.name)) } catch {
            if error.kind == .connectionLost { throw error }
            return .failure(Unresolved(error: error))
        }
        guard let column = described.first else {
            return .failure(Unresolved(error: PostgresError(kind: .server, message: "the server described no column for it")))
        }
        let row = try connection.query(
            "SELECT t.typname, format_type(t.oid, $2::int) FROM pg_type t WHERE t.oid = $1::oid",
            [String(column.typeOID), String(column.typeModifier)]
        ).rows.first
        return .success(
            IndexKeyType(
                label: "expression " + key, sql: key, written: key, isExpression: true, typeName: row?[0] ?? "",
                typeModifier: column.typeModifier,
                formattedType: row?[1] ?? "type \(column.typeOID)"))
    }

    private init(
        label: String, sql: String, written: String, isExpression: Bool, typeName: String, typeModifier: Int, formattedType: String
    ) {
        self.label = label
        self.sql = sql
        self.written = written
        self.isExpression = isExpression
        self.typeName = typeName
        self.typeModifier = typeModifier
        self.formattedType = formattedType
    }

    /// The key cast to another type, as a plan's `expression:` key: `embedding::halfvec(3072)`.
    func cast(to type: String) -> String { written + "::" + type }
}
