/// Type-checks an expression against the declared params, then evaluates it. Checking first
/// means a branch that `&&` or `||` would skip is still checked: a typo fails every time, not
/// only in the environment that happens to reach it.
struct ExpressionEvaluator {
    let scope: ExpressionScope

    /// The static type of an expression; literals that take the type of what they are compared
    /// with (`'5s'`, `64MB`) stay as text until a comparison decides.
    private enum StaticType: Equatable {
        case known(ParamType)
        case coercible(String)

        var name: String {
            switch self {
            case .known(let type): type.rawValue
            case .coercible: "string"
            }
        }
    }

    func evaluate(_ expression: Expression) throws(ExpressionError) -> TypedValue {
        _ = try check(expression)
        return try value(of: expression)
    }

    // MARK: Checking

    private func check(_ expression: Expression) throws(ExpressionError) -> StaticType {
        switch expression {
        case .string(let text, _): return .coercible(text)
        case .unitLiteral(let text, _): return .coercible(text)
        case .number: return .known(.int)
        case .bool: return .known(.bool)
        case .reference(let parts, let offset): return .known(try referenceType(parts, offset: offset))
        case .not(let operand, let offset):
            let type = try check(operand)
            guard type == .known(.bool) else {
                throw ExpressionError(message: .operandType("!", type.name, expected: "a bool"), offset: offset)
            }
            return .known(.bool)
        case .binary(let op, let left, let right, let offset):
            let leftType = try check(left)
            let rightType = try check(right)
            // `env.X || 'fallback'`: a default for a value that may be unset or empty, as in
            // GitHub Actions, where `||` gives its first non-empty operand.
            if op == .or, leftType != .known(.bool), rightType != .known(.bool) {
                return leftType == rightType ? leftType : .known(.string)
            }
            if !op.isComparison {
                for type in [leftType, rightType] where type != .known(.bool) {
                    throw ExpressionError(message: .operandType(op.rawValue, type.name, expected: "bools on both sides"), offset: offset)
                }
                return .known(.bool)
            }
            guard comparable(leftType, rightType, ordering: op.isOrdering) else {
                throw ExpressionError(message: .comparisonTypes(op.rawValue, describe(leftType), describe(rightType)), offset: offset)
            }
            return .known(.bool)
        }
    }

    private func describe(_ type: StaticType) -> String {
        switch type {
        case .known(let type): type.withArticle
        case .coercible(let text): "'\(text)'"
        }
    }

    private func comparable(_ a: StaticType, _ b: StaticType, ordering: Bool) -> Bool {
        switch (a, b) {
        case (.coercible, .coercible): return true
        case (.known(let type), .coercible(let text)), (.coercible(let text), .known(let type)):
            switch type {
            case .string, .identifier, .path: return true
            case .duration: return Units.duration(text) != nil
            case .size: return Units.size(text) != nil
            default: return false
            }
        case (.known(let x), .known(let y)):
            let textual: Set<ParamType> = [.string, .identifier, .path]
            if textual.contains(x) && textual.contains(y) { return true }
            guard x == y, x != .list else { return false }
            return !(ordering && x == .bool)
        }
    }

    private func referenceType(_ parts: [String], offset: Int) throws(ExpressionError) -> ParamType {
        switch parts.first {
        case "params" where parts.count == 2:
            guard scope.paramsReadable else { throw ExpressionError(message: .paramsInParamValue, offset: offset) }
            guard let param = scope.params[parts[1]] else {
                let suggestion = Suggestion.closest(to: parts[1], in: scope.params.keys.sorted())
                throw ExpressionError(message: .unknownParam(parts[1], suggestion: suggestion), offset: offset)
            }
            return param.type
        case "env" where parts.count == 2:
            return .string
        case "plan" where parts == ["plan", "name"]:
            return .string
        default:
            let written = parts.joined(separator: ".")
            var candidates = ["plan.name"]
            if scope.paramsReadable { candidates += scope.params.keys.sorted().map { "params.\($0)" } }
            if parts.count == 2 { candidates.append("env.\(parts[1])") }
            if parts.count == 1 { candidates += scope.params.keys.sorted().map { "params.\($0)" } }
            let suggestion =
                Suggestion.closest(to: written, in: candidates)
                ?? (parts.count == 1 && scope.params[parts[0]] != nil ? "params.\(parts[0])" : nil)
            throw ExpressionError(message: .unknownNamespace(written, suggestion: suggestion), offset: offset)
        }
    }

    // MARK: Evaluating

    /// `unsetIsEmpty`: an unset `env.X` reads as empty where that is harmless (a comparison, the
    /// left side of a default); anywhere else it is an error, so a missing variable never turns
    /// into an empty URL or name that something else silently replaces.
    private func value(of expression: Expression, unsetIsEmpty: Bool = false) throws(ExpressionError) -> TypedValue {
        switch expression {
        case .string(let text, _), .unitLiteral(let text, _): return TypedValue(value: .string(text))
        case .number(let number, _): return TypedValue(value: .int(number))
        case .bool(let flag, _): return TypedValue(value: .bool(flag))
        case .reference(let parts, let offset):
            switch parts[0] {
            case "params":
                guard let bound = scope.params[parts[1]]?.value else {
                    throw ExpressionError(
                        message: .paramHasNoValue(parts[1], required: scope.params[parts[1]]?.required ?? false), offset: offset)
                }
                return bound
            case "env":
                guard let text = scope.environment[parts[1]] ?? (unsetIsEmpty ? "" : nil) else {
                    throw ExpressionError(message: .environmentVariableNotSet(parts[1]), offset: offset)
                }
                return TypedValue(value: .string(text), isSecret: true)
            default:
                return TypedValue(value: .string(scope.planName))
            }
        case .not(let operand, _):
            guard case .bool(let flag) = try value(of: operand).value else { return TypedValue(value: .bool(false)) }
            return TypedValue(value: .bool(!flag))
        case .binary(.and, let left, let right, _):
            guard try truth(left) else { return TypedValue(value: .bool(false)) }
            return TypedValue(value: .bool(try truth(right)))
        case .binary(.or, let left, let right, _):
            let first = try value(of: left, unsetIsEmpty: true)
            if case .bool(let flag) = first.value {
                if flag { return TypedValue(value: .bool(true)) }
                return TypedValue(value: .bool(try truth(right)))
            }
            if let text = first.value.text, !text.isEmpty { return first }
            return try value(of: right)
        case .binary(let op, let left, let right, _):
            let order = Self.order(try value(of: left, unsetIsEmpty: true).value, try value(of: right, unsetIsEmpty: true).value)
            let result: Bool
            switch op {
            case .equal: result = order == 0
            case .notEqual: result = order != 0
            case .less: result = order < 0
            case .lessOrEqual: result = order <= 0
            case .greater: result = order > 0
            case .greaterOrEqual: result = order >= 0
            case .and, .or: result = false
            }
            return TypedValue(value: .bool(result))
        }
    }

    private func truth(_ expression: Expression) throws(ExpressionError) -> Bool {
        if case .bool(let flag) = try value(of: expression).value { return flag }
        return false
    }

    /// -1, 0, 1 for two values the checker found comparable; text becomes a duration or size
    /// when the other side is one.
    private static func order(_ a: Value, _ b: Value) -> Int {
        func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x == y ? 0 : 1) }
        switch (a, b) {
        case (.int(let x), .int(let y)): return sign(x, y)
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (x ? 1 : -1)
        case (.duration(let x), .duration(let y)): return sign(x, y)
        case (.size(let x), .size(let y)): return sign(x, y)
        case (.duration(let x), .string(let y)): return sign(x, Units.duration(y) ?? .zero)
        case (.string(let x), .duration(let y)): return sign(Units.duration(x) ?? .zero, y)
        case (.size(let x), .string(let y)): return sign(x, Units.size(y) ?? ByteSize(bytes: 0))
        case (.string(let x), .size(let y)): return sign(Units.size(x) ?? ByteSize(bytes: 0), y)
        default: return sign(a.text ?? "", b.text ?? "")
        }
    }
}
