internal import CLibYAML

/// Turns libyaml's event stream into one tree of `YAMLNode`s. It does what libyaml leaves to its
/// callers: resolves aliases, applies merge keys (`<<`), and rejects duplicate keys and undefined
/// aliases, each with a position. It stops at the first error libyaml reports (libyaml cannot go on
/// after one) but collects every duplicate key and bad alias of the document.
struct YAMLComposer {
    /// Aliases can make a small file describe an enormous tree ("billion laughs"); past this many
    /// nodes the document is refused rather than expanded.
    static let maximumNodeCount = 1_000_000
    /// Deep nesting would overflow the stack of the recursive code that reads the tree.
    static let maximumDepth = 200

    struct Result {
        /// nil when the file holds no document, or when it could not be parsed.
        var root: YAMLNode?
        var diagnostics: [Diagnostic]
    }

    let file: String

    func compose(_ bytes: [UInt8]) -> Result {
        if let invalid = Self.firstInvalidUTF8Offset(in: bytes) {
            let (line, column) = SourceText.position(ofByteOffset: invalid, in: bytes)
            let message = DiagnosticMessage.invalidUTF8(byte: bytes[invalid], offset: invalid)
            return Result(root: nil, diagnostics: [Diagnostic(message, at: location(line, column))])
        }
        var state = State(file: file)
        var parser = LibYAMLParser(bytes: bytes)
        do {
            var finished = false
            while !finished {
                finished = try parser.withNextEvent { (event) throws(LibYAMLParser.Failure) in
                    state.handle(event)
                    return event.type == YAML_STREAM_END_EVENT || state.stopped
                }
            }
        } catch {
            let text = String(decoding: bytes, as: UTF8.self)
            state.diagnostics.append(diagnostic(for: error, source: SourceText(text), bytes: bytes))
            return Result(root: nil, diagnostics: state.diagnostics)
        }
        return Result(root: state.diagnostics.hasErrors ? nil : state.root, diagnostics: state.diagnostics)
    }

    private func location(_ line: Int, _ column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    /// libyaml's message and mark, with the two mistakes people actually make called out by name.
    private func diagnostic(for failure: LibYAMLParser.Failure, source: SourceText, bytes: [UInt8]) -> Diagnostic {
        var line: Int
        var column: Int
        if let problemLine = failure.problemLine, let problemColumn = failure.problemColumn {
            (line, column) = (problemLine + 1, problemColumn + 1)
        } else {
            (line, column) = SourceText.position(ofByteOffset: failure.problemOffset, in: bytes)
        }
        (line, column) = source.clamped(line: line, column: column)
        if let text = source.line(line) {
            let indentation = text.prefix { $0 == " " || $0 == "\t" }
            if let tab = indentation.firstIndex(of: "\t") {
                let tabColumn = text.distance(from: text.startIndex, to: tab) + 1
                return Diagnostic(.tabIndentation, at: location(line, tabColumn))
            }
        }
        var message = failure.problem
        if let context = failure.context { message += " \(context)" }
        let nearby = [line, failure.contextLine.map { $0 + 1 }].compactMap { $0 }
        let expressionInFlow = nearby.contains { source.line($0)?.contains("${{") == true }
        var notes: [Diagnostic.Note] = []
        if let context = failure.context, let contextLine = failure.contextLine, let contextColumn = failure.contextColumn,
            contextLine + 1 != line || contextColumn + 1 != column
        {
            let what = context.hasPrefix("while ") ? String(context.dropFirst(6)) : context
            let (noteLine, noteColumn) = source.clamped(line: contextLine + 1, column: contextColumn + 1)
            notes.append(Diagnostic.Note(message: "\(what) that starts here", location: location(noteLine, noteColumn)))
        }
        return Diagnostic(.yamlSyntax(message, expressionInFlowCollection: expressionInFlow), at: location(line, column), notes: notes)
    }

    /// The byte offset of the first byte that is not valid UTF-8, checked before libyaml so the
    /// message can say where and what (libyaml's reader error gives only an offset).
    static func firstInvalidUTF8Offset(in bytes: [UInt8]) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                index += 1
                continue
            }
            let length: Int
            let minimum: UInt32
            var scalar: UInt32
            switch byte {
            case 0xC2...0xDF: (length, minimum, scalar) = (2, 0x80, UInt32(byte & 0x1F))
            case 0xE0...0xEF: (length, minimum, scalar) = (3, 0x800, UInt32(byte & 0x0F))
            case 0xF0...0xF4: (length, minimum, scalar) = (4, 0x10000, UInt32(byte & 0x07))
            default: return index
            }
            guard index + length <= count else { return index }
            for offset in 1..<length {
                let continuation = bytes[index + offset]
                guard continuation & 0xC0 == 0x80 else { return index }
                scalar = scalar << 6 | UInt32(continuation & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return index }
            index += length
        }
        return nil
    }
}

extension YAMLComposer {
    /// The composer's state between events: the containers being built, innermost last.
    fileprivate struct State {
        struct Anchored {
            var node: YAMLNode
            var weight: Int
            var depth: Int
        }
        enum MappingEntry {
            case pair(YAMLPair)
            /// The pairs a `<<` brings in; keys written in the mapping itself win over them.
            case merge([YAMLPair])
        }
        enum Container {
            case sequence([YAMLNode])
            case mapping(entries: [MappingEntry], pendingKey: YAMLNode?, seen: [String: SourceLocation])
        }
        struct Frame {
            var container: Container
            var location: SourceLocation
            var tag: String?
            var anchor: String?
            var weight = 1
            var depth = 1
        }

        let file: String
        var stack: [Frame] = []
        var anchors: [String: Anchored] = [:]
        var root: YAMLNode?
        var documents = 0
        var totalWeight = 0
        var diagnostics: [Diagnostic] = []
        /// Set when going on would only produce noise (a second document, a runaway expansion).
        var stopped = false

        init(file: String) { self.file = file }

        mutating func handle(_ event: borrowing yaml_event_t) {
            let location = SourceLocation(
                file: file, line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
            switch event.type {
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                anchors = [:]
                if documents > 1 {
                    diagnostics.append(Diagnostic(.multipleDocuments, at: location))
                    stopped = true
                }
            case YAML_ALIAS_EVENT:
                let name = string(event.data.alias.anchor) ?? ""
                guard let anchored = anchors[name] else {
                    diagnostics.append(Diagnostic(.undefinedAlias(name), at: location))
                    complete(
                        YAMLNode(content: .scalar(YAMLScalar(value: "", style: .plain)), location: location), weight: 1, depth: 1,
                        anchor: nil)
                    return
                }
                complete(anchored.node, weight: anchored.weight, depth: anchored.depth, anchor: nil)
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let value =
                    scalar.value.map { pointer in
                        String(decoding: UnsafeBufferPointer(start: pointer, count: scalar.length), as: UTF8.self)
                    } ?? ""
                let node = YAMLNode(
                    content: .scalar(YAMLScalar(value: value, style: Self.style(scalar.style))),
                    location: location, tag: string(scalar.tag))
                complete(node, weight: 1, depth: 1, anchor: string(scalar.anchor))
            case YAML_SEQUENCE_START_EVENT:
                let start = event.data.sequence_start
                stack.append(Frame(container: .sequence([]), location: location, tag: string(start.tag), anchor: string(start.anchor)))
            case YAML_MAPPING_START_EVENT:
                let start = event.data.mapping_start
                stack.append(
                    Frame(
                        container: .mapping(entries: [], pendingKey: nil, seen: [:]), location: location,
                        tag: string(start.tag), anchor: string(start.anchor)))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast() else { return }
                let content: YAMLNode.Content
                switch frame.container {
                case .sequence(let items): content = .sequence(items)
                case .mapping(let entries, _, _): content = .mapping(Self.applyMerges(entries))
                }
                let node = YAMLNode(content: content, location: frame.location, tag: frame.tag)
                complete(node, weight: frame.weight, depth: frame.depth, anchor: frame.anchor)
            default:
                break
            }
        }

        /// Adds a finished node to its parent, or makes it the document's root.
        private mutating func complete(_ node: YAMLNode, weight: Int, depth: Int, anchor: String?) {
            if let anchor { anchors[anchor] = Anchored(node: node, weight: weight, depth: depth) }
            guard !stopped else { return }
            totalWeight += weight
            if totalWeight > YAMLComposer.maximumNodeCount {
                diagnostics.append(Diagnostic(.tooManyNodes(YAMLComposer.maximumNodeCount), at: node.location))
                stopped = true
                return
            }
            if depth + stack.count > YAMLComposer.maximumDepth {
                diagnostics.append(Diagnostic(.nestedTooDeeply(YAMLComposer.maximumDepth), at: node.location))
                stopped = true
                return
            }
            guard var parent = stack.popLast() else {
                root = node
                return
            }
            parent.weight += weight
            parent.depth = max(parent.depth, depth + 1)
            switch parent.container {
            case .sequence(var items):
                items.append(node)
                parent.container = .sequence(items)
            case .mapping(var entries, let pendingKey, var seen):
                guard let key = pendingKey else {
                    parent.container = .mapping(entries: entries, pendingKey: node, seen: seen)
                    stack.append(parent)
                    return
                }
                if let keyScalar = key.scalar, keyScalar.style == .plain, key.tag == nil, keyScalar.value == "<<" {
                    entries.append(.merge(mergedPairs(node)))
                } else if let keyText = key.scalar?.value, let first = seen[keyText] {
                    diagnostics.append(
                        Diagnostic(
                            .duplicateKey(keyText, firstLine: first.line), at: key.location,
                            notes: [Diagnostic.Note(message: DiagnosticMessage.firstWrittenHere.text, location: first)]))
                } else {
                    if let keyText = key.scalar?.value { seen[keyText] = key.location }
                    entries.append(.pair(YAMLPair(key: key, value: node)))
                }
                parent.container = .mapping(entries: entries, pendingKey: nil, seen: seen)
            }
            stack.append(parent)
        }

        /// The pairs a merge key's value contributes: a mapping, or a list of mappings where
        /// earlier ones win (YAML's merge-key rule).
        private mutating func mergedPairs(_ value: YAMLNode) -> [YAMLPair] {
            let sources: [YAMLNode]
            switch value.content {
            case .mapping: sources = [value]
            case .sequence(let items): sources = items
            case .scalar:
                diagnostics.append(Diagnostic(.mergeNeedsMapping, at: value.location))
                return []
            }
            var pairs: [YAMLPair] = []
            var keys = Set<String>()
            for source in sources {
                guard let sourcePairs = source.mapping else {
                    diagnostics.append(Diagnostic(.mergeNeedsMapping, at: source.location))
                    continue
                }
                for pair in sourcePairs {
                    guard let key = pair.key.scalar?.value else { continue }
                    if keys.insert(key).inserted { pairs.append(pair) }
                }
            }
            return pairs
        }

        private static func applyMerges(_ entries: [MappingEntry]) -> [YAMLPair] {
            var explicit = Set<String>()
            for case .pair(let pair) in entries {
                if let key = pair.key.scalar?.value { explicit.insert(key) }
            }
            var result: [YAMLPair] = []
            var merged = Set<String>()
            for entry in entries {
                switch entry {
                case .pair(let pair):
                    result.append(pair)
                case .merge(let pairs):
                    for pair in pairs {
                        guard let key = pair.key.scalar?.value, !explicit.contains(key) else { continue }
                        if merged.insert(key).inserted { result.append(pair) }
                    }
                }
            }
            return result
        }

        private static func style(_ style: yaml_scalar_style_t) -> YAMLScalar.Style {
            switch style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: .literal
            case YAML_FOLDED_SCALAR_STYLE: .folded
            default: .plain
            }
        }

        private func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: $0) }
        }
    }
}
