/// The parsed form of what is written between `${{` and `}}`. Offsets count characters from the
/// start of the scalar that holds the expression, so errors can point at the exact token.
indirect enum Expression: Sendable, Equatable {
    case string(String, offset: Int)
    case number(Int, offset: Int)
    /// A number with a unit (`5s`, `64MB`); it takes the type of what it is compared with.
    case unitLiteral(String, offset: Int)
    case bool(Bool, offset: Int)
    /// A dotted name as written: `params.lists`, `env.DATABASE_URL`, `plan.name`.
    case reference([String], offset: Int)
    case not(Expression, offset: Int)
    case binary(BinaryOperator, Expression, Expression, offset: Int)

    var offset: Int {
        switch self {
        case .string(_, let offset), .number(_, let offset), .unitLiteral(_, let offset), .bool(_, let offset),
            .reference(_, let offset), .not(_, let offset), .binary(_, _, _, let offset):
            offset
        }
    }
}

enum BinaryOperator: String, Sendable, Equatable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case and = "&&"
    case or = "||"

    var isComparison: Bool { self != .and && self != .or }
    var isOrdering: Bool { isComparison && self != .equal && self != .notEqual }
}

/// An expression problem with the character offset (in the scalar) it is about.
struct ExpressionError: Error, Equatable {
    var message: DiagnosticMessage
    var offset: Int
}

/// A value together with whether any part of it came from the process environment, which makes
/// it a secret: `plan show` and every other output print it as `***`.
struct TypedValue: Sendable, Equatable {
    var value: Value
    var isSecret: Bool = false
    /// A `path` param's value, already resolved against the file that wrote it: a file it is
    /// passed into must not resolve it again against itself.
    var isResolvedPath: Bool = false
}

extension Value {
    var type: ParamType {
        switch self {
        case .string: .string
        case .int: .int
        case .bool: .bool
        case .duration: .duration
        case .size: .size
        case .identifier: .identifier
        case .list: .list
        }
    }

    /// The value as plain text, for interpolation outside SQL. Lists have no text form.
    var text: String? {
        switch self {
        case .string(let text), .identifier(let text): text
        case .int(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .duration(let duration): Units.format(duration)
        case .size(let size): Units.format(size)
        case .list: nil
        }
    }
}
