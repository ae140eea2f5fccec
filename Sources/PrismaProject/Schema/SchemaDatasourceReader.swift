/// Finds the `datasource` blocks of schema files and reads their properties. Every other block
/// (`model`, `generator`, `enum`, `view`, `type`) is skipped by counting braces outside strings and
/// comments, so `@default("{")` or a `// }` comment cannot end a block early.
struct SchemaDatasourceBlock: Equatable {
    enum Value: Equatable {
        case string(String)
        /// `env("NAME")`.
        case environment(String)
        case list([String])
        /// Anything else, described for messages ("a call to `foo(…)`", "the identifier `x`").
        case other(String)
    }

    struct Property: Equatable {
        var value: Value
        var location: PrismaLocation
    }

    var name: String
    var location: PrismaLocation
    var properties: [String: Property]
}

enum SchemaDatasourceReader {
    static func datasources(file: String, text: String) throws(PrismaProjectError) -> [SchemaDatasourceBlock] {
        let source = SourceText(file: file, text: text)
        let tokens = try SchemaTokenizer.tokens(of: source)
        var blocks: [SchemaDatasourceBlock] = []
        var depth = 0
        var index = 0
        while index < tokens.count {
            switch tokens[index].kind {
            case .punctuator(UInt8(ascii: "{")): depth += 1
            case .punctuator(UInt8(ascii: "}")): depth = max(0, depth - 1)
            case .identifier("datasource") where depth == 0:
                if case .identifier(let name) = tokens[index + 1].kind, tokens[index + 2].kind == .punctuator(UInt8(ascii: "{")) {
                    var reader = BlockReader(source: source, tokens: tokens, index: index + 3)
                    let properties = try reader.properties()
                    blocks.append(
                        SchemaDatasourceBlock(name: name, location: source.location(at: tokens[index].offset), properties: properties))
                    index = reader.index
                    continue
                }
            case .end: return blocks
            default: break
            }
            index += 1
        }
        return blocks
    }

    private struct BlockReader {
        let source: SourceText
        let tokens: [SchemaToken]
        var index: Int

        private func location(_ at: Int) -> PrismaLocation { source.location(at: tokens[at].offset) }

        /// `key = value` lines up to the closing brace; leaves `index` after it.
        mutating func properties() throws(PrismaProjectError) -> [String: SchemaDatasourceBlock.Property] {
            var properties: [String: SchemaDatasourceBlock.Property] = [:]
            while true {
                switch tokens[index].kind {
                case .punctuator(UInt8(ascii: "}")):
                    index += 1
                    return properties
                case .end:
                    throw .syntax(message: "the datasource block is not closed", location: location(index))
                case .identifier(let key) where tokens[index + 1].kind == .punctuator(UInt8(ascii: "=")):
                    index += 2
                    let valueStart = index
                    properties[key] = SchemaDatasourceBlock.Property(value: try value(), location: location(valueStart))
                default:
                    throw .syntax(message: "expected `key = value` in the datasource block", location: location(index))
                }
            }
        }

        private mutating func value() throws(PrismaProjectError) -> SchemaDatasourceBlock.Value {
            switch tokens[index].kind {
            case .string(let text):
                index += 1
                return .string(text)
            case .punctuator(UInt8(ascii: "[")):
                index += 1
                var items: [String] = []
                while tokens[index].kind != .punctuator(UInt8(ascii: "]")) {
                    switch tokens[index].kind {
                    case .string(let text), .identifier(let text): items.append(text)
                    case .end: throw .syntax(message: "a list is not closed", location: location(index))
                    default: break
                    }
                    index += 1
                }
                index += 1
                return .list(items)
            case .identifier(let name):
                var path = name
                index += 1
                while tokens[index].kind == .punctuator(UInt8(ascii: ".")), case .identifier(let next) = tokens[index + 1].kind {
                    path += "." + next
                    index += 2
                }
                guard tokens[index].kind == .punctuator(UInt8(ascii: "(")) else { return .other("the identifier `\(path)`") }
                let callStart = index
                index += 1
                var arguments: [SchemaToken.Kind] = []
                var depth = 1
                while depth > 0 {
                    switch tokens[index].kind {
                    case .punctuator(UInt8(ascii: "(")): depth += 1
                    case .punctuator(UInt8(ascii: ")")): depth -= 1
                    case .end: throw .syntax(message: "a `(` is not closed", location: location(callStart))
                    default: break
                    }
                    if depth > 0 { arguments.append(tokens[index].kind) }
                    index += 1
                }
                if path == "env", arguments.count == 1, case .string(let variable) = arguments[0] { return .environment(variable) }
                return .other(path == "env" ? "an env(…) call without one string argument" : "a call to `\(path)(…)`")
            case .end:
                throw .syntax(message: "the file ends where a value was expected", location: location(index))
            default:
                let found = tokens[index]
                index += 1
                if case .punctuator(let byte) = found.kind { return .other("`\(Character(Unicode.Scalar(byte)))`") }
                return .other("an unexpected value")
            }
        }
    }
}
