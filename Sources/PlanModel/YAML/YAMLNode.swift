/// A YAML node with the position it was written at. Built from libyaml's events so that every
/// later error can name `file:line:column`; Codable-style decoding would lose the positions.
struct YAMLNode: Sendable, Equatable {
    enum Content: Sendable, Equatable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        /// Pairs in file order; keys are nodes because YAML allows any node as a key.
        case mapping([YAMLPair])
    }

    var content: Content
    var location: SourceLocation
    /// The explicit tag (`!!str`, `!custom`), if the author wrote one.
    var tag: String?

    var scalar: YAMLScalar? {
        if case .scalar(let scalar) = content { return scalar }
        return nil
    }
    var sequence: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }
    var mapping: [YAMLPair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// A plain `~`, `null` or empty scalar without a tag: YAML's null.
    var isNull: Bool {
        guard let scalar, scalar.style == .plain, tag == nil else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.value)
    }

    /// How messages name this kind of node: "a mapping", "a list", "the text 'x'".
    var kindDescription: String {
        switch content {
        case .scalar: isNull ? "nothing (null)" : "a scalar"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    /// The value for a scalar key, or nil.
    subscript(key: String) -> YAMLNode? {
        mapping?.first { $0.key.scalar?.value == key }?.value
    }
}

struct YAMLPair: Sendable, Equatable {
    var key: YAMLNode
    var value: YAMLNode
}

struct YAMLScalar: Sendable, Equatable {
    enum Style: String, Sendable, Equatable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }
    var value: String
    var style: Style
}
