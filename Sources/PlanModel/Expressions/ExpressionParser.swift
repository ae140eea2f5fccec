/// A recursive-descent parser for the expression language: `||` binds loosest, then `&&`, then
/// comparisons, then `!`, then literals, names and parentheses. Nesting is capped so a hostile
/// plan cannot overflow the stack.
struct ExpressionParser {
    private enum Token: Equatable {
        case name([String])
        case string(String)
        case number(Int)
        case unitLiteral(String)
        case symbol(String)
        case end
    }

    private var tokens: [(token: Token, offset: Int)] = []
    private var position = 0
    private var depth = 0
    private let endOffset: Int

    /// Parses `source`, whose first character is at `offset` in the enclosing scalar.
    static func parse(_ source: String, offset: Int) throws(ExpressionError) -> Expression {
        var parser = try ExpressionParser(source: source, offset: offset)
        let expression = try parser.parseOr()
        guard case .end = parser.current.token else {
            throw parser.error("unexpected \(parser.describe(parser.current.token)) after the expression")
        }
        return expression
    }

    private init(source: String, offset: Int) throws(ExpressionError) {
        let characters = Array(source)
        endOffset = offset + characters.count
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let start = offset + index
            if character.isWhitespace {
                index += 1
            } else if character.isLetter || character == "_" {
                var parts: [String] = []
                var part = ""
                while index < characters.count {
                    let c = characters[index]
                    if c.isLetter || c.isNumber || c == "_" || c == "-" {
                        part.append(c)
                    } else if c == "." {
                        parts.append(part)
                        part = ""
                    } else {
                        break
                    }
                    index += 1
                }
                parts.append(part)
                if parts.contains(where: \.isEmpty) {
                    throw ExpressionError(message: .expressionSyntax("'\(parts.joined(separator: "."))' is not a name"), offset: start)
                }
                tokens.append((.name(parts), start))
            } else if character.isASCII && character.isNumber
                || (character == "-" && index + 1 < characters.count && characters[index + 1].isNumber)
            {
                var text = String(character)
                index += 1
                while index < characters.count, characters[index].isLetter || characters[index].isNumber || characters[index] == "." {
                    text.append(characters[index])
                    index += 1
                }
                if let number = Int(text) {
                    tokens.append((.number(number), start))
                } else if text.contains(where: \.isLetter) {
                    tokens.append((.unitLiteral(text), start))
                } else {
                    throw ExpressionError(message: .expressionSyntax("'\(text)' is not a number"), offset: start)
                }
            } else if character == "'" || character == "\"" {
                // A doubled quote inside a literal is the quote itself, as in SQL and GitHub Actions.
                var text = ""
                index += 1
                var closed = false
                while index < characters.count {
                    if characters[index] == character {
                        if index + 1 < characters.count, characters[index + 1] == character {
                            text.append(character)
                            index += 2
                            continue
                        }
                        closed = true
                        index += 1
                        break
                    }
                    text.append(characters[index])
                    index += 1
                }
                guard closed else {
                    throw ExpressionError(message: .expressionSyntax("the string is not closed; add \(character)"), offset: start)
                }
                tokens.append((.string(text), start))
            } else {
                let pair = index + 1 < characters.count ? String([character, characters[index + 1]]) : ""
                if ["==", "!=", "<=", ">=", "&&", "||"].contains(pair) {
                    tokens.append((.symbol(pair), start))
                    index += 2
                } else if "<>!()".contains(character) {
                    tokens.append((.symbol(String(character)), start))
                    index += 1
                } else if character == "=" {
                    throw ExpressionError(message: .expressionSyntax("'=' is not an operator; compare with '=='"), offset: start)
                } else {
                    throw ExpressionError(message: .expressionSyntax("unexpected character '\(character)'"), offset: start)
                }
            }
        }
        tokens.append((.end, endOffset))
    }

    private var current: (token: Token, offset: Int) { tokens[position] }

    private func error(_ problem: String) -> ExpressionError {
        ExpressionError(message: .expressionSyntax(problem), offset: current.offset)
    }

    private func describe(_ token: Token) -> String {
        switch token {
        case .name(let parts): "'\(parts.joined(separator: "."))'"
        case .string(let text): "the string '\(text)'"
        case .number(let number): "the number \(number)"
        case .unitLiteral(let text): "'\(text)'"
        case .symbol(let symbol): "'\(symbol)'"
        case .end: "the end of the expression"
        }
    }

    private mutating func parseOr() throws(ExpressionError) -> Expression {
        var left = try parseAnd()
        while case .symbol("||") = current.token {
            let offset = current.offset
            position += 1
            left = .binary(.or, left, try parseAnd(), offset: offset)
        }
        return left
    }

    private mutating func parseAnd() throws(ExpressionError) -> Expression {
        var left = try parseComparison()
        while case .symbol("&&") = current.token {
            let offset = current.offset
            position += 1
            left = .binary(.and, left, try parseComparison(), offset: offset)
        }
        return left
    }

    private mutating func parseComparison() throws(ExpressionError) -> Expression {
        let left = try parseUnary()
        guard case .symbol(let symbol) = current.token, let op = BinaryOperator(rawValue: symbol), op.isComparison else {
            return left
        }
        let offset = current.offset
        position += 1
        let right = try parseUnary()
        if case .symbol(let next) = current.token, let nextOp = BinaryOperator(rawValue: next), nextOp.isComparison {
            throw error("comparisons do not chain; join them with '&&' and parentheses")
        }
        return .binary(op, left, right, offset: offset)
    }

    private mutating func parseUnary() throws(ExpressionError) -> Expression {
        depth += 1
        defer { depth -= 1 }
        guard depth < 64 else { throw error("the expression nests too deeply") }
        let (token, offset) = current
        switch token {
        case .symbol("!"):
            position += 1
            return .not(try parseUnary(), offset: offset)
        case .symbol("("):
            position += 1
            let inner = try parseOr()
            guard case .symbol(")") = current.token else { throw error("expected ')' before \(describe(current.token))") }
            position += 1
            return inner
        case .string(let text):
            position += 1
            return .string(text, offset: offset)
        case .number(let number):
            position += 1
            return .number(number, offset: offset)
        case .unitLiteral(let text):
            position += 1
            return .unitLiteral(text, offset: offset)
        case .name(let parts):
            position += 1
            if parts == ["true"] { return .bool(true, offset: offset) }
            if parts == ["false"] { return .bool(false, offset: offset) }
            return .reference(parts, offset: offset)
        case .end:
            throw error("the expression is empty or incomplete")
        case .symbol(let symbol):
            throw error("unexpected '\(symbol)'")
        }
    }
}
