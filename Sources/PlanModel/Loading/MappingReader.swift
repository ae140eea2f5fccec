/// A YAML mapping read against the keys it may have. Unknown keys are reported when the reader
/// is made, with a "did you mean" for near misses, so no decoder can forget to check.
struct MappingReader {
    let node: YAMLNode
    private var values: [String: YAMLPair] = [:]
    private(set) var keys: [String] = []

    /// nil (after reporting) when `node` is not a mapping. A null node reads as an empty mapping
    /// so that `migrate:` and `migrate: {}` mean the same.
    init?(_ node: YAMLNode, _ what: String, known: [String], context: FileContext) {
        self.node = node
        if node.isNull { return }
        guard let pairs = node.mapping else {
            context.report(.wrongNode(what, expected: "a mapping", found: node.kindDescription), at: node.location)
            return nil
        }
        for pair in pairs {
            guard let key = pair.key.scalar?.value else {
                context.report(.keysMustBeText(what), at: pair.key.location)
                continue
            }
            if !known.isEmpty && !known.contains(key) {
                context.report(
                    .unknownKey(key, in: what, suggestion: Suggestion.closest(to: key, in: known), allowed: known),
                    at: pair.key.location)
                continue
            }
            values[key] = pair
            keys.append(key)
        }
    }

    subscript(key: String) -> YAMLNode? {
        guard let value = values[key]?.value, !value.isNull else { return nil }
        return value
    }

    func keyLocation(_ key: String) -> SourceLocation? { values[key]?.key.location }

    /// The pairs in file order, for mappings whose keys are names (params, env, storage).
    var pairs: [YAMLPair] { keys.compactMap { values[$0] } }

    /// The value of a key that must be there, reporting its absence at the mapping.
    func require(_ key: String, in what: String, context: FileContext) -> YAMLNode? {
        if let value = self[key] { return value }
        context.report(.missingKey(key, in: what), at: node.location)
        return nil
    }
}
