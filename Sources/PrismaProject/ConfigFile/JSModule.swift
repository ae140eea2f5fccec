/// The top level of a config file: its imports, its top-level constants and its default export,
/// found by scanning statements at brace depth 0. Nothing is executed.
struct JSModule {
    struct Import {
        var module: String
        /// The imported name (`default`, `*` or a named export).
        var imported: String
        var location: PrismaLocation
    }

    let source: SourceText
    let tokens: [JSToken]
    /// Local name → what it was imported as.
    private(set) var bindings: [String: Import] = [:]
    /// Side-effect imports (`import 'dotenv/config'`) and `require('…')` calls, in order.
    private(set) var sideEffectModules: [(module: String, location: PrismaLocation)] = []
    /// `const NAME = …` at the top level: the token index where the value starts.
    private(set) var constants: [String: Int] = [:]
    /// The token index where `export default …` / `module.exports = …` starts.
    private(set) var defaultExport: Int?
    /// The first place the file calls something it imported from a dotenv package, or
    /// `process.loadEnvFile`: it loads `.env` files its own way.
    private(set) var ownEnvironmentLoading: PrismaLocation?

    init(source: SourceText) throws(PrismaProjectError) {
        self.source = source
        self.tokens = try JSTokenizer.tokens(of: source)
        scan()
    }

    func location(ofToken index: Int) -> PrismaLocation { source.location(at: tokens[index].range.lowerBound) }

    /// True when there is a line break between token `index - 1` and token `index`: JavaScript ends
    /// a statement there when the next token cannot continue it.
    func lineBreakBefore(_ index: Int) -> Bool {
        guard index > 0 else { return true }
        return source.bytes[tokens[index - 1].range.upperBound..<tokens[index].range.lowerBound].contains(UInt8(ascii: "\n"))
    }

    private func token(_ index: Int) -> JSToken { index < tokens.count ? tokens[index] : tokens[tokens.count - 1] }

    private mutating func scan() {
        var depth = 0
        var index = 0
        while index < tokens.count {
            let current = tokens[index]
            switch current.kind {
            case .end: return
            case .punctuator("{"), .punctuator("("), .punctuator("["): depth += 1
            case .punctuator("}"), .punctuator(")"), .punctuator("]"): depth = max(0, depth - 1)
            case .identifier("require") where token(index + 1).isPunctuator("("):
                if case .string(let module) = token(index + 2).kind, token(index + 3).isPunctuator(")") {
                    noteModuleUse(module, at: location(ofToken: index), sideEffect: true)
                }
            case .identifier("process")
            where token(index + 1).isPunctuator(".") && token(index + 2).isIdentifier("loadEnvFile"):
                ownEnvironmentLoading = ownEnvironmentLoading ?? location(ofToken: index)
            case .identifier(let name) where depth == 0 && (index == 0 || !token(index - 1).isPunctuator(".")):
                index = scanStatement(startingWith: name, at: index)
                continue
            case .identifier(let name):
                if let binding = bindings[name], Self.isDotenvPackage(binding.module),
                    index == 0 || !token(index - 1).isPunctuator(".")
                {
                    ownEnvironmentLoading = ownEnvironmentLoading ?? location(ofToken: index)
                }
            default: break
            }
            index += 1
        }
    }

    /// Handles a top-level statement keyword; returns the index to continue scanning from.
    private mutating func scanStatement(startingWith name: String, at index: Int) -> Int {
        switch name {
        case "import":
            return scanImport(at: index)
        case "export" where token(index + 1).isIdentifier("default"):
            defaultExport = index + 2
            return index + 2
        case "export":
            return index + 1
        case "const", "let", "var":
            if case .identifier(let constant) = token(index + 1).kind {
                var valueStart = index + 2
                if token(valueStart).isPunctuator(":") {
                    valueStart = JSExpressionReader.skipType(in: tokens, from: valueStart + 1)
                }
                if token(valueStart).isPunctuator("=") { constants[constant] = valueStart + 1 }
            }
            return index + 1
        case "module"
        where token(index + 1).isPunctuator(".") && token(index + 2).isIdentifier("exports") && token(index + 3).isPunctuator("="):
            defaultExport = index + 4
            return index + 4
        default:
            if let binding = bindings[name], Self.isDotenvPackage(binding.module) {
                ownEnvironmentLoading = ownEnvironmentLoading ?? location(ofToken: index)
            }
            return index + 1
        }
    }

    private mutating func scanImport(at start: Int) -> Int {
        var index = start + 1
        if token(index).isPunctuator("(") || token(index).isPunctuator(".") { return index }  // import(…), import.meta
        if case .string(let module) = token(index).kind {
            noteModuleUse(module, at: location(ofToken: start), sideEffect: true)
            return index + 1
        }
        // Collect `default`, `* as name` and `{ a, b as c }` up to `from '…'`.
        var pending: [(local: String, imported: String)] = []
        var inBraces = false
        while true {
            let current = token(index)
            switch current.kind {
            case .end: return index
            case .punctuator("{"): inBraces = true
            case .punctuator("}"): inBraces = false
            case .punctuator("*") where token(index + 1).isIdentifier("as"):
                if let local = token(index + 2).identifier { pending.append((local, "*")) }
                index += 2
            case .identifier("from") where !inBraces:
                if case .string(let module) = token(index + 1).kind {
                    let location = location(ofToken: start)
                    for binding in pending {
                        bindings[binding.local] = Import(module: module, imported: binding.imported, location: location)
                    }
                    noteModuleUse(module, at: location, sideEffect: false)
                }
                return index + 2
            case .identifier("type") where !token(index + 1).isPunctuator(",") && !token(index + 1).isIdentifier("from"):
                break  // `import type …` / `{ type X }`: types only
            case .identifier(let name):
                if inBraces {
                    if token(index + 1).isIdentifier("as"), let local = token(index + 2).identifier {
                        pending.append((local, name))
                        index += 2
                    } else {
                        pending.append((name, name))
                    }
                } else {
                    pending.append((name, "default"))
                }
            default: break
            }
            index += 1
        }
    }

    private mutating func noteModuleUse(_ module: String, at location: PrismaLocation, sideEffect: Bool) {
        if sideEffect { sideEffectModules.append((module, location)) }
    }

    /// `dotenv`, `@dotenvx/dotenvx`, `dotenv-flow`, …: packages whose calls load `.env` files.
    static func isDotenvPackage(_ module: String) -> Bool { module.contains("dotenv") }

    /// What the file does about `.env` files, as far as a static read can tell.
    var environmentRule: EnvironmentFiles.Rule {
        for (module, location) in sideEffectModules where ["dotenv/config", "@dotenvx/dotenvx/config"].contains(module) {
            return .configImportsDotenv(location)
        }
        if let location = ownEnvironmentLoading { return .configLoadsEnvironmentItself(location) }
        for (module, location) in sideEffectModules where Self.isDotenvPackage(module) {
            return .configLoadsEnvironmentItself(location)
        }
        return .configFileLoadsNone
    }
}
