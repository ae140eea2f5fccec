/// Reads one expression of a config file into a `StaticValue`: object literals, strings, templates
/// without `${}`, `env('X')` from `prisma/config`, `process.env.X`, `defineConfig(…)` (transparent)
/// and references to top-level constants. Anything else becomes `.notStatic` with a description;
/// its tokens are skipped with brackets balanced, so the rest of the object still reads.
struct JSExpressionReader {
    private let module: JSModule
    private var index: Int
    /// Constants being resolved, to stop `const a = b; const b = a`.
    private var resolving: Set<String>

    private init(module: JSModule, index: Int, resolving: Set<String>) {
        self.module = module
        self.index = index
        self.resolving = resolving
    }

    /// The expression starting at token `start`.
    static func read(_ module: JSModule, at start: Int) throws(PrismaProjectError) -> StaticNode {
        var reader = JSExpressionReader(module: module, index: start, resolving: [])
        return try reader.expression()
    }

    private var tokens: [JSToken] { module.tokens }

    private func token(_ offset: Int = 0) -> JSToken {
        let at = index + offset
        return at < tokens.count ? tokens[at] : tokens[tokens.count - 1]
    }

    private var location: PrismaLocation { module.location(ofToken: min(index, tokens.count - 1)) }

    private func syntaxError(_ message: String) -> PrismaProjectError { .syntax(message: message, location: location) }

    /// True at a token that ends the current expression.
    private var atExpressionEnd: Bool {
        switch token().kind {
        case .end, .punctuator(","), .punctuator(")"), .punctuator("}"), .punctuator("]"), .punctuator(";"): return true
        case .identifier(let name): return module.lineBreakBefore(index) && !["as", "satisfies"].contains(name)
        default: return false
        }
    }

    private mutating func expression() throws(PrismaProjectError) -> StaticNode {
        var node = try primary()
        // TypeScript's postfix forms change nothing at run time.
        while true {
            if token().isPunctuator("!") && !token(1).isPunctuator("=") {
                index += 1
            } else if token().isIdentifier("as") || token().isIdentifier("satisfies") {
                index = Self.skipType(in: tokens, from: index + 1)
            } else {
                break
            }
        }
        if !atExpressionEnd {
            let operatorText = module.source.text(token().range)
            node.value = .notStatic("an expression with `\(operatorText)` (\(node.value.description) and more)")
            try skipToExpressionEnd()
        }
        return node
    }

    private mutating func primary() throws(PrismaProjectError) -> StaticNode {
        let start = location
        let current = token()
        switch current.kind {
        case .punctuator("{"):
            return StaticNode(value: .object(try objectLiteral()), location: start)
        case .string(let text):
            index += 1
            return StaticNode(value: .string(text), location: start)
        case .template(let text?):
            index += 1
            return StaticNode(value: .string(text), location: start)
        case .template(nil):
            index += 1
            return StaticNode(value: .notStatic("a template literal with ${…}"), location: start)
        case .number:
            index += 1
            return StaticNode(value: .other("a number"), location: start)
        case .punctuator("["):
            try skipBalanced()
            return StaticNode(value: .other("an array"), location: start)
        case .punctuator("("):
            try skipBalanced()
            if token().isPunctuator("=>") {
                index += 1
                try skipToExpressionEnd()
                return StaticNode(value: .notStatic("a function"), location: start)
            }
            return StaticNode(value: .notStatic("a parenthesised expression"), location: start)
        case .identifier(let name):
            return try identifierExpression(name, at: start)
        case .end:
            throw syntaxError("the file ends where a value was expected")
        default:
            try skipToExpressionEnd()
            return StaticNode(value: .notStatic("an expression starting with `\(module.source.text(current.range))`"), location: start)
        }
    }

    private mutating func identifierExpression(_ name: String, at start: PrismaLocation) throws(PrismaProjectError) -> StaticNode {
        switch name {
        case "true", "false":
            index += 1
            return StaticNode(value: .other("a boolean"), location: start)
        case "null", "undefined":
            index += 1
            return StaticNode(value: .other(name), location: start)
        case "function", "async", "class", "new", "await", "typeof":
            try skipToExpressionEnd()
            return StaticNode(value: .notStatic(name == "function" || name == "async" ? "a function" : "`\(name) …`"), location: start)
        default: break
        }
        if name == "process", token(1).isPunctuator("."), token(2).isIdentifier("env") {
            return try processEnvironment(at: start)
        }
        let binding = module.bindings[name]
        let fromPrismaConfig = binding.map { $0.module == "prisma/config" || $0.module == "@prisma/config" } ?? false
        if fromPrismaConfig && binding?.imported == "env" {
            return try environmentCall(at: start)
        }
        if (fromPrismaConfig && binding?.imported == "defineConfig") || (binding == nil && name == "defineConfig") {
            index += 1
            if token().isPunctuator("<") { index = Self.skipType(in: tokens, from: index) }
            guard token().isPunctuator("(") else { return StaticNode(value: .notStatic("`\(name)` not called"), location: start) }
            index += 1
            let argument = try expression()
            guard token().isPunctuator(")") else { throw syntaxError("expected `)` after the argument of \(name)(…)") }
            index += 1
            return argument
        }
        // A call or a member access: describe it by its callee, e.g. `path.join(…)`.
        let calleeStart = token().range.lowerBound
        index += 1
        var calleeEnd = tokens[index - 1].range.upperBound
        while token().isPunctuator(".") || token().isPunctuator("?."), token(1).identifier != nil {
            index += 2
            calleeEnd = tokens[index - 1].range.upperBound
        }
        let callee = module.source.text(calleeStart..<calleeEnd)
        if token().isPunctuator("(") {
            try skipToExpressionEnd()
            return StaticNode(value: .notStatic("a call to `\(callee)(…)`"), location: start)
        }
        if callee == name, let valueStart = module.constants[name], !resolving.contains(name) {
            var reader = JSExpressionReader(module: module, index: valueStart, resolving: resolving.union([name]))
            return try reader.expression()
        }
        if callee == name && atExpressionEnd {
            return StaticNode(value: .notStatic("the variable `\(name)`"), location: start)
        }
        return StaticNode(value: .notStatic("`\(callee)`"), location: start)
    }

    /// `process.env.NAME` or `process.env['NAME']`.
    private mutating func processEnvironment(at start: PrismaLocation) throws(PrismaProjectError) -> StaticNode {
        index += 3
        if token().isPunctuator(".") || token().isPunctuator("?."), let variable = token(1).identifier {
            index += 2
            return StaticNode(value: .environment(variable: variable, emptyMeansUnset: false), location: start)
        }
        if token().isPunctuator("["), case .string(let variable) = token(1).kind, token(2).isPunctuator("]") {
            index += 3
            return StaticNode(value: .environment(variable: variable, emptyMeansUnset: false), location: start)
        }
        try skipToExpressionEnd()
        return StaticNode(value: .notStatic("`process.env` read with a computed name"), location: start)
    }

    /// `env('NAME')` or `env<Env>('NAME')`.
    private mutating func environmentCall(at start: PrismaLocation) throws(PrismaProjectError) -> StaticNode {
        index += 1
        if token().isPunctuator("<") { index = Self.skipType(in: tokens, from: index) }
        if token().isPunctuator("("), token(2).isPunctuator(")") {
            switch token(1).kind {
            case .string(let variable), .template(let variable?):
                index += 3
                return StaticNode(value: .environment(variable: variable, emptyMeansUnset: true), location: start)
            default: break
            }
        }
        try skipToExpressionEnd()
        return StaticNode(value: .notStatic("an env(…) call whose argument is not a string literal"), location: start)
    }

    private mutating func objectLiteral() throws(PrismaProjectError) -> StaticObject {
        index += 1  // {
        var object = StaticObject()
        while !token().isPunctuator("}") {
            let memberStart = location
            if token().isPunctuator("...") {
                index += 1
                object.members.append(.spread(try expression()))
            } else {
                let key: String?
                switch token().kind {
                case .identifier(let name), .string(let name), .number(let name): key = name
                case .template(let name?): key = name
                case .punctuator("["):
                    try skipBalanced()
                    key = nil
                    index -= 1  // so that the common `index += 1` below lands after `]`
                case .end: throw syntaxError("an object literal is not closed")
                default: throw syntaxError("unexpected `\(module.source.text(token().range))` in an object literal")
                }
                let keyIndex = index
                index += 1
                let value: StaticNode
                if token().isPunctuator(":") {
                    index += 1
                    value = try expression()
                } else if token().isPunctuator("(") || token().isPunctuator("<") || isAccessorPrefix(tokens[keyIndex]) {
                    try skipToExpressionEnd()  // a method: its parameters and body
                    value = StaticNode(value: .notStatic("a method"), location: memberStart)
                } else if key != nil, tokens[keyIndex].identifier != nil {
                    // Shorthand `{ url }`: the variable of that name.
                    var reader = JSExpressionReader(module: module, index: keyIndex, resolving: resolving)
                    value = try reader.expression()
                } else {
                    throw syntaxError("expected `:` after the key")
                }
                if let key {
                    object.members.append(.property(key: key, value: value))
                } else {
                    object.members.append(.spread(StaticNode(value: .notStatic("a computed key `[…]`"), location: memberStart)))
                }
            }
            if token().isPunctuator(",") {
                index += 1
            } else if !token().isPunctuator("}") {
                throw syntaxError("expected `,` or `}` in an object literal, found `\(module.source.text(token().range))`")
            }
        }
        index += 1  // }
        return object
    }

    /// `get name() {}`, `set name(v) {}`, `async name() {}`: the word before a method's name.
    private func isAccessorPrefix(_ keyToken: JSToken) -> Bool {
        guard let word = keyToken.identifier, ["get", "set", "async"].contains(word) else { return false }
        return token().identifier != nil || token().isPunctuator("*")
    }

    /// Skips a bracketed group starting at the current `(`, `[` or `{`.
    private mutating func skipBalanced() throws(PrismaProjectError) {
        var depth = 0
        repeat {
            switch token().kind {
            case .punctuator("("), .punctuator("["), .punctuator("{"): depth += 1
            case .punctuator(")"), .punctuator("]"), .punctuator("}"): depth -= 1
            case .end: throw syntaxError("a bracket is not closed")
            default: break
            }
            index += 1
        } while depth > 0
    }

    /// Skips to the `,` `)` `}` `]` or `;` that ends the current expression, brackets balanced.
    private mutating func skipToExpressionEnd() throws(PrismaProjectError) {
        while true {
            switch token().kind {
            case .end, .punctuator(","), .punctuator(")"), .punctuator("}"), .punctuator("]"), .punctuator(";"): return
            case .punctuator("("), .punctuator("["), .punctuator("{"): try skipBalanced()
            default: index += 1
            }
        }
    }

    /// Skips a TypeScript type starting at `start`: up to `,` `)` `}` `]` `;` `=` at depth 0, with
    /// `<…>` counted as brackets (`Record<string, string>`). Returns the index after it.
    static func skipType(in tokens: [JSToken], from start: Int) -> Int {
        var depth = 0
        var index = start
        while index < tokens.count {
            switch tokens[index].kind {
            case .end: return index
            case .punctuator("("), .punctuator("["), .punctuator("{"), .punctuator("<"): depth += 1
            case .punctuator(")"), .punctuator("]"), .punctuator("}"), .punctuator(">"):
                if depth == 0 { return index }
                depth -= 1
                if depth == 0 && tokens[index].isPunctuator(">") && index + 1 < tokens.count
                    && (tokens[index + 1].isPunctuator("(") || tokens[index + 1].isPunctuator("="))
                    && index + 1 > start
                {
                    // `env<Env>(`: the type argument list ends here.
                    return index + 1
                }
            case .punctuator(","), .punctuator(";"), .punctuator("="):
                if depth == 0 { return index }
            case .punctuator("=>"): break
            default: break
            }
            index += 1
        }
        return index
    }
}
