/// Decoding state for one plan file: where relative paths start, what expressions can read,
/// and where problems go. Every typed reader returns nil after reporting a problem, so decoding
/// goes on and one run reports every error of the file.
struct FileContext {
    let session: LoadSession
    let file: String
    var scope: ExpressionScope
    /// Prefix for step ids of an included plan (`uses` step ids joined with '.'), so a plan
    /// included twice does not clash with itself.
    var idPrefix: String = ""

    var directory: String { Paths.directory(of: file) }

    /// Marks a scalar made from an already evaluated value, whose text is never a template.
    static let evaluatedTag = "tag:plan,2024:evaluated"

    func report(_ message: DiagnosticMessage, at location: SourceLocation, notes: [Diagnostic.Note] = []) {
        session.diagnostics.report(message, at: location, notes: notes)
    }

    /// A scalar after `${{ … }}` is applied.
    enum Resolved {
        /// No expression: the text as written.
        case literal(String)
        /// Exactly one expression: its typed value.
        case value(TypedValue)
        /// Expressions inside longer text, interpolated.
        case text(String, isSecret: Bool)
    }

    /// The position of a character of a scalar: exact for one-line plain and quoted scalars,
    /// the scalar's start otherwise (block scalars fold lines, quotes unescape).
    func location(in node: YAMLNode, offset: Int) -> SourceLocation {
        guard let scalar = node.scalar, !scalar.value.contains("\n") else { return node.location }
        var location = node.location
        switch scalar.style {
        case .plain: location.column += offset
        case .singleQuoted, .doubleQuoted: location.column += offset + 1
        case .literal, .folded: break
        }
        // A quoted or plain scalar may span lines that YAML folded into spaces: an offset past
        // the end of its first line is not on that line, so point at the scalar's start instead.
        if let line = session.sources[location.file]?.line(location.line), location.column > line.unicodeScalars.count + 1 {
            return node.location
        }
        return location
    }

    /// Applies expressions in a scalar. In `sql` mode, embedded values render as SQL literals
    /// and quoted identifiers; values that would need raw splicing are refused. In `shell` mode
    /// (a `/bin/sh -c` command line) every value, even a whole-scalar one, becomes one
    /// single-quoted word, and only where the shell reads that word as literal text.
    func resolve(_ node: YAMLNode, what: String, sql: Bool = false, shell: Bool = false) -> Resolved? {
        guard let scalar = node.scalar else {
            report(.wrongNode(what, expected: sql ? "SQL text" : "a single value", found: node.kindDescription), at: node.location)
            return nil
        }
        guard scalar.value.contains("${{"), node.tag != Self.evaluatedTag else { return .literal(scalar.value) }
        let template: Template
        do {
            template = try Template.parse(scalar.value)
        } catch {
            report(error.message, at: location(in: node, offset: error.offset))
            return nil
        }
        let evaluator = ExpressionEvaluator(scope: scope)
        if !sql, !shell, let expression = template.soleExpression {
            do {
                return .value(try evaluator.evaluate(expression))
            } catch {
                report(error.message, at: location(in: node, offset: error.offset))
                return nil
            }
        }
        var text = ""
        var isSecret = false
        var shellContext = ShellContext()
        for segment in template.segments {
            switch segment {
            case .text(let literal):
                text += literal
                if shell { shellContext.feed(literal) }
            case .expression(let expression):
                if shell, let problem = shellContext.problem {
                    report(.unsafeShellInterpolation(where: problem), at: location(in: node, offset: expression.offset))
                    return nil
                }
                do {
                    let value = try evaluator.evaluate(expression)
                    isSecret = isSecret || value.isSecret
                    // The value alone is a secret too: a program may print it, quoted or not.
                    if value.isSecret, let secret = value.value.text, !secret.isEmpty { session.secrets.insert(secret) }
                    let rendered =
                        sql ? SQLLiteral.render(value.value) : shell ? value.value.text.map(ShellWord.quoted) : value.value.text
                    shellContext.insertWord()
                    guard let rendered else {
                        report(
                            sql ? .rawSplicing(value.value.type.rawValue) : .listInText(what),
                            at: location(in: node, offset: expression.offset))
                        return nil
                    }
                    text += rendered
                } catch {
                    report(error.message, at: location(in: node, offset: error.offset))
                    return nil
                }
            }
        }
        return .text(text, isSecret: isSecret)
    }

    // MARK: Typed values

    /// A node as a value of `type`: YAML text parsed by the type's rules, or an expression whose
    /// type fits. Problems are reported at `reportAt` when given (a `with:` key), else at the node.
    func value(
        of node: YAMLNode, as type: ParamType, itemType: ParamType = .string, what: String,
        reportAt: SourceLocation? = nil
    ) -> TypedValue? {
        let at = reportAt ?? node.location
        if type == .list, let items = node.sequence {
            var values: [Value] = []
            var isSecret = false
            for item in items {
                guard let value = value(of: item, as: itemType, what: "an item of \(what)", reportAt: reportAt) else { return nil }
                values.append(value.value)
                isSecret = isSecret || value.isSecret
            }
            return TypedValue(value: .list(values), isSecret: isSecret)
        }
        guard node.scalar != nil else {
            report(.wrongNode(what, expected: type.expectation, found: node.kindDescription), at: at)
            return nil
        }
        guard let resolved = resolve(node, what: what) else { return nil }
        switch resolved {
        case .literal(let text):
            if type == .string, node.isNull {
                report(.wrongNode(what, expected: type.expectation, found: node.kindDescription), at: at)
                return nil
            }
            return convert(text, isSecret: false, to: type, what: what, at: at)
        case .text(let text, let isSecret):
            return convert(text, isSecret: isSecret, to: type, what: what, at: at)
        case .value(let value):
            if type == .path, value.isResolvedPath { return value }
            if value.value.type == type { return value }
            switch (value.value, type) {
            case (.list, _), (_, .list):
                report(.expressionType(what, expected: type.expectation, found: value.value.type.withArticle), at: at)
                return nil
            case (.string(let text), _):
                return convert(text, isSecret: value.isSecret, to: type, what: what, at: at)
            case (.identifier, .string), (.int, .string), (.duration, .string), (.size, .string), (.bool, .string):
                return TypedValue(value: .string(value.value.text ?? ""), isSecret: value.isSecret)
            default:
                report(.expressionType(what, expected: type.expectation, found: value.value.type.withArticle), at: at)
                return nil
            }
        }
    }

    /// Text parsed as a value of `type`, as written in YAML, `--set` or an environment variable.
    func convert(_ text: String, isSecret: Bool, to type: ParamType, what: String, at location: SourceLocation) -> TypedValue? {
        let shown = isSecret ? "***" : text
        func typed(_ value: Value) -> TypedValue { TypedValue(value: value, isSecret: isSecret) }
        switch type {
        case .string:
            return typed(.string(text))
        case .path:
            return TypedValue(value: .string(Paths.resolve(text, against: directory)), isSecret: isSecret, isResolvedPath: true)
        case .identifier:
            if let problem = Self.identifierProblem(text) {
                report(.badIdentifier(what, shown, reason: problem), at: location)
                return nil
            }
            return typed(.identifier(text))
        case .int:
            guard let number = Int(text.trimmingWhitespace()) else {
                report(.wrongValue(what, expected: type.expectation, found: shown), at: location)
                return nil
            }
            return typed(.int(number))
        case .bool:
            switch text.trimmingWhitespace().lowercased() {
            case "true": return typed(.bool(true))
            case "false": return typed(.bool(false))
            case "yes", "no", "on", "off", "y", "n", "1", "0":
                report(.wrongValue(what, expected: type.expectation, found: shown, hint: "write true or false"), at: location)
            default:
                report(.wrongValue(what, expected: type.expectation, found: shown), at: location)
            }
            return nil
        case .duration:
            guard let duration = Units.duration(text) else {
                report(.badDuration(what, shown), at: location)
                return nil
            }
            return typed(.duration(duration))
        case .size:
            guard let size = Units.size(text) else {
                report(.badSize(what, shown), at: location)
                return nil
            }
            return typed(.size(size))
        case .list:
            report(.wrongValue(what, expected: type.expectation, found: shown, hint: "write [a, b] or one item per line"), at: location)
            return nil
        }
    }

    /// Why a name cannot be used as a PostgreSQL identifier, or nil when it can.
    static func identifierProblem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.utf8.count > 63 { return "it is longer than 63 bytes, and PostgreSQL would silently truncate it" }
        if name.contains("\0") { return "it contains a NUL character" }
        return nil
    }

    // MARK: Readers for step fields

    func string(_ node: YAMLNode, _ what: String) -> String? {
        guard let typed = value(of: node, as: .string, what: what), case .string(let text) = typed.value else { return nil }
        if typed.isSecret && !text.isEmpty { session.secrets.insert(text) }
        return text
    }

    func identifier(_ node: YAMLNode, _ what: String) -> String? {
        guard case .identifier(let name)? = value(of: node, as: .identifier, what: what)?.value else { return nil }
        return name
    }

    func int(_ node: YAMLNode, _ what: String, minimum: Int? = nil) -> Int? {
        guard case .int(let number)? = value(of: node, as: .int, what: what)?.value else { return nil }
        if let minimum, number < minimum {
            report(.outOfRange(what, value: String(number), bound: String(minimum), isMinimum: true), at: node.location)
            return nil
        }
        return number
    }

    func bool(_ node: YAMLNode, _ what: String) -> Bool? {
        guard case .bool(let flag)? = value(of: node, as: .bool, what: what)?.value else { return nil }
        return flag
    }

    func duration(_ node: YAMLNode, _ what: String) -> Duration? {
        guard case .duration(let duration)? = value(of: node, as: .duration, what: what)?.value else { return nil }
        return duration
    }

    func size(_ node: YAMLNode, _ what: String) -> ByteSize? {
        guard case .size(let size)? = value(of: node, as: .size, what: what)?.value else { return nil }
        return size
    }

    /// A path, resolved against the directory of this file. A path to a file the plan reads
    /// (`confined`) must stay inside the project root.
    func path(_ node: YAMLNode, _ what: String, confined: Bool = true) -> String? {
        guard let typed = value(of: node, as: .path, what: what), case .string(let text) = typed.value else { return nil }
        if typed.isSecret && !text.isEmpty { session.secrets.insert(text) }
        if confined, let root = session.projectRoot, !root.containsLexically(text, workingDirectory: session.workingDirectory) {
            report(.outsideProjectRoot(text, realPath: nil, root: root.description), at: node.location)
            return nil
        }
        return text
    }

    func choice<Choice: RawRepresentable & CaseIterable>(_ node: YAMLNode, _ what: String, as: Choice.Type) -> Choice?
    where Choice.RawValue == String {
        guard let text = string(node, what) else { return nil }
        if let choice = Choice(rawValue: text) { return choice }
        let allowed = Choice.allCases.map(\.rawValue)
        report(.notOneOf(what, value: text, allowed: allowed, suggestion: Suggestion.closest(to: text, in: allowed)), at: node.location)
        return nil
    }

    /// A `/bin/sh -c` command line with every interpolated value one single-quoted word.
    func shellCommand(_ node: YAMLNode, _ what: String) -> String? {
        renderedText(resolve(node, what: what, shell: true))
    }

    /// SQL text with typed values rendered as literals and quoted identifiers.
    func sql(_ node: YAMLNode, _ what: String) -> String? {
        renderedText(resolve(node, what: what, sql: true))
    }

    /// The text of a field whose interpolations were rendered for SQL or a shell, its secrets
    /// noted for output to mask.
    private func renderedText(_ resolved: Resolved?) -> String? {
        guard let resolved else { return nil }
        switch resolved {
        case .literal(let text): return text
        case .text(let text, let isSecret):
            if isSecret { session.secrets.insert(text) }
            return text
        case .value: return nil
        }
    }

    /// A list of items read by `item`; a single expression whose value is a list also works.
    func list<Item>(_ node: YAMLNode, _ what: String, item: (YAMLNode, String) -> Item?) -> [Item]? {
        if let items = node.sequence {
            let read = items.map { item($0, "an item of \(what)") }
            return read.contains { $0 == nil } ? nil : read.compactMap { $0 }
        }
        if node.scalar != nil, !node.isNull, case .value(let typed)? = resolve(node, what: what) {
            guard case .list(let values) = typed.value else {
                report(.expressionType(what, expected: "a list", found: typed.value.type.withArticle), at: node.location)
                return nil
            }
            // Items are values, not YAML: the tag stops a `${{` inside one from being evaluated again.
            let read = values.map { value in
                item(
                    YAMLNode(
                        content: .scalar(YAMLScalar(value: value.text ?? "", style: .singleQuoted)), location: node.location,
                        tag: Self.evaluatedTag),
                    "an item of \(what)")
            }
            return read.contains { $0 == nil } ? nil : read.compactMap { $0 }
        }
        report(.wrongNode(what, expected: "a list", found: node.kindDescription), at: node.location)
        return nil
    }
}
