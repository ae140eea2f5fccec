/// The types a param can declare. The type decides how a value is written in YAML and on the
/// command line, and how it renders into SQL.
public enum ParamType: String, Sendable, Equatable, Hashable, CaseIterable {
    case string, int, bool, duration, size, identifier, list
    /// A file or folder, resolved against the file that writes the value: a caller's `with:`
    /// passes paths relative to itself, not to the plan it uses.
    case path

    /// Types whose values have an order, so `min:`/`max:` make sense.
    var isOrdered: Bool { self == .int || self == .size || self == .duration }

    /// "an int", "a string": how messages name a value of this type.
    var withArticle: String {
        (self == .int || self == .identifier ? "an " : "a ") + rawValue
    }

    /// How messages name the expected form of a value of this type.
    var expectation: String {
        switch self {
        case .string: "text"
        case .int: "a whole number"
        case .bool: "true or false"
        case .duration: "a duration (500ms, 5s, 2m)"
        case .size: "a size (512kB, 64MB, 1GB)"
        case .identifier: "an identifier"
        case .list: "a list"
        case .path: "a path (relative to the file that writes it)"
        }
    }
}

/// A param as a plan declares it under `params:`.
struct ParamDeclaration {
    var name: String
    var type: ParamType
    /// The type of a list's items (string unless `items:` says otherwise).
    var itemType: ParamType
    var defaultValue: TypedValue?
    /// False only for `required: false` without a default: the param may stay unset.
    var required: Bool
    var minimum: Value?
    var maximum: Value?
    var allowed: [Value]
    var location: SourceLocation
}
