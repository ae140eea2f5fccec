/// A scalar split into literal text and `${{ … }}` expressions.
struct Template: Sendable, Equatable {
    enum Segment: Sendable, Equatable {
        case text(String)
        case expression(Expression)
    }

    var segments: [Segment]

    /// The single expression when the scalar is exactly one `${{ … }}` (surrounding spaces
    /// aside): such a scalar takes the expression's type instead of becoming text.
    var soleExpression: Expression? {
        let meaningful = segments.filter {
            if case .text(let text) = $0 { return !text.allSatisfy(\.isWhitespace) }
            return true
        }
        if meaningful.count == 1, case .expression(let expression) = meaningful[0] { return expression }
        return nil
    }

    var hasExpressions: Bool {
        segments.contains { if case .expression = $0 { true } else { false } }
    }

    static func parse(_ text: String) throws(ExpressionError) -> Template {
        guard text.contains("${{") else { return Template(segments: [.text(text)]) }
        let characters = Array(text)
        var segments: [Segment] = []
        var literal = ""
        var index = 0
        while index < characters.count {
            if characters[index] == "$", index + 2 < characters.count, characters[index + 1] == "{", characters[index + 2] == "{" {
                let start = index
                let bodyStart = index + 3
                guard let close = closingBraces(in: characters, from: bodyStart) else {
                    throw ExpressionError(message: .expressionSyntax("'${{' is not closed; add '}}'"), offset: start)
                }
                if !literal.isEmpty { segments.append(.text(literal)) }
                literal = ""
                let body = String(characters[bodyStart..<close])
                segments.append(.expression(try ExpressionParser.parse(body, offset: bodyStart)))
                index = close + 2
            } else {
                literal.append(characters[index])
                index += 1
            }
        }
        if !literal.isEmpty { segments.append(.text(literal)) }
        return Template(segments: segments)
    }

    /// The index of the `}}` that ends an expression, skipping quoted strings inside it. When a
    /// string is never closed, the first `}}` ends it, so the parser can name the open string.
    private static func closingBraces(in characters: [Character], from start: Int, respectingQuotes: Bool = true) -> Int? {
        var index = start
        var quote: Character?
        while index < characters.count {
            let character = characters[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if respectingQuotes && (character == "'" || character == "\"") {
                quote = character
            } else if character == "}", index + 1 < characters.count, characters[index + 1] == "}" {
                return index
            }
            index += 1
        }
        return respectingQuotes && quote != nil ? closingBraces(in: characters, from: start, respectingQuotes: false) : nil
    }
}
