/// A small ordered document tree that prints as YAML or JSON, so `plan show` and `plan schema`
/// print the same content in either format with keys in a stable, meaningful order.
public indirect enum RenderNode: Sendable, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case list([RenderNode])
    case map([Entry])

    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: RenderNode
        public init(_ key: String, _ value: RenderNode) {
            self.key = key
            self.value = value
        }
    }

    // MARK: JSON

    public func json() -> String {
        var output = ""
        writeJSON(to: &output, indent: "")
        return output + "\n"
    }

    private func writeJSON(to output: inout String, indent: String) {
        let inner = indent + "  "
        switch self {
        case .string(let text): output += JSONString.quoted(text)
        case .int(let number): output += String(number)
        case .bool(let flag): output += flag ? "true" : "false"
        case .null: output += "null"
        case .list(let items):
            guard !items.isEmpty else {
                output += "[]"
                return
            }
            output += "[\n"
            for (index, item) in items.enumerated() {
                output += inner
                item.writeJSON(to: &output, indent: inner)
                output += index == items.count - 1 ? "\n" : ",\n"
            }
            output += indent + "]"
        case .map(let entries):
            guard !entries.isEmpty else {
                output += "{}"
                return
            }
            output += "{\n"
            for (index, entry) in entries.enumerated() {
                output += inner + JSONString.quoted(entry.key) + ": "
                entry.value.writeJSON(to: &output, indent: inner)
                output += index == entries.count - 1 ? "\n" : ",\n"
            }
            output += indent + "}"
        }
    }

    // MARK: YAML

    public func yaml() -> String {
        switch self {
        case .map(let entries) where !entries.isEmpty:
            var output = ""
            Self.writeYAMLEntries(entries, to: &output, indent: "")
            return output
        case .list(let items) where !items.isEmpty:
            var output = ""
            Self.writeYAMLItems(items, to: &output, indent: "")
            return output
        default:
            return Self.yamlScalar(self, indent: "") + "\n"
        }
    }

    private var isCollection: Bool {
        switch self {
        case .map(let entries): !entries.isEmpty
        case .list(let items): !items.isEmpty
        default: false
        }
    }

    private static func writeYAMLEntries(_ entries: [Entry], to output: inout String, indent: String) {
        for entry in entries {
            output += indent + yamlKey(entry.key) + ":"
            writeYAMLValue(entry.value, to: &output, indent: indent, nestedIndent: indent + "  ")
        }
    }

    private static func writeYAMLItems(_ items: [RenderNode], to output: inout String, indent: String) {
        for item in items {
            switch item {
            case .map(let entries) where !entries.isEmpty:
                // The first key shares the line with the dash: `- name: x`.
                var nested = ""
                writeYAMLEntries(entries, to: &nested, indent: indent + "  ")
                output += indent + "- " + nested.dropFirst(indent.count + 2)
            case .list(let inner) where !inner.isEmpty:
                output += indent + "-\n"
                writeYAMLItems(inner, to: &output, indent: indent + "  ")
            default:
                output += indent + "- " + yamlScalar(item, indent: indent + "  ") + "\n"
            }
        }
    }

    private static func writeYAMLValue(_ value: RenderNode, to output: inout String, indent: String, nestedIndent: String) {
        switch value {
        case .map(let entries) where !entries.isEmpty:
            output += "\n"
            writeYAMLEntries(entries, to: &output, indent: nestedIndent)
        case .list(let items) where !items.isEmpty:
            output += "\n"
            writeYAMLItems(items, to: &output, indent: indent)
        default:
            output += " " + yamlScalar(value, indent: nestedIndent) + "\n"
        }
    }

    private static func yamlKey(_ key: String) -> String {
        plainIsSafe(key) ? key : JSONString.quoted(key)
    }

    private static func yamlScalar(_ node: RenderNode, indent: String) -> String {
        switch node {
        case .string(let text):
            if plainIsSafe(text) { return text }
            if let block = literalBlock(text, indent: indent) { return block }
            return JSONString.quoted(text)
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .list: return "[]"
        case .map: return "{}"
        }
    }

    /// A `|` block for multi-line text (SQL), when YAML can hold it exactly.
    private static func literalBlock(_ text: String, indent: String) -> String? {
        guard text.contains("\n"), !text.contains("\r"), !text.contains("\t"),
            text.unicodeScalars.allSatisfy({ $0.value >= 0x20 || $0 == "\n" }),
            let first = text.first, first != " ", first != "\n"
        else { return nil }
        var body = text
        var indicator = "|-"
        if body.hasSuffix("\n") {
            body.removeLast()
            indicator = "|"
            if body.hasSuffix("\n") { return nil }
        }
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.contains(where: { $0.last == " " }) { return nil }
        return indicator + "\n" + lines.map { $0.isEmpty ? "" : indent + $0 }.joined(separator: "\n")
    }

    private static let numberCharacters = Set("0123456789_:.+-eExXoObBabcdefABCDEF")

    /// Whether text can be written without quotes and still read back as the same string, by
    /// YAML 1.2 parsers and by YAML 1.1 ones (PyYAML), which also read `yes`, `1_000`, `1:20`
    /// and `2024-01-01` as non-strings.
    private static func plainIsSafe(_ text: String) -> Bool {
        guard let first = text.first, let last = text.last else { return false }
        if first == " " || last == " " { return false }
        if "-?:,[]{}#&*!|>'\"%@`<=.+".contains(first) { return false }
        let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"]
        if reserved.contains(text.lowercased()) { return false }
        if first.isNumber && text.allSatisfy({ numberCharacters.contains($0) }) { return false }
        if text.contains(": ") || text.contains(" #") || text.hasSuffix(":") { return false }
        if text.first == "0" && text.count > 1 { return false }
        return text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F && $0 != "\u{FEFF}" }
    }
}
