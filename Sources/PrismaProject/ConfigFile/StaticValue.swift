/// A value of a config file as far as it can be known without running the file.
indirect enum StaticValue: Equatable {
    case object(StaticObject)
    case string(String)
    /// `env('X')` from `prisma/config` (empty counts as unset) or `process.env.X` (it does not).
    case environment(variable: String, emptyMeansUnset: Bool)
    /// Known, but not a string or an object: "a number", "an array", "a boolean".
    case other(String)
    /// Only running the file would tell: "a call to `path.join(…)`", "the variable `url`".
    case notStatic(String)

    /// How a message names the value.
    var description: String {
        switch self {
        case .object: return "an object"
        case .string: return "a string"
        case .environment(let variable, _): return "the variable \(variable)"
        case .other(let text), .notStatic(let text): return text
        }
    }
}

struct StaticNode: Equatable {
    var value: StaticValue
    var location: PrismaLocation
}

/// An object literal's members in source order; a spread (`...base`) may set any key, so a key
/// looked up past a spread is unknown.
struct StaticObject: Equatable {
    enum Member: Equatable {
        case property(key: String, value: StaticNode)
        case spread(StaticNode)
    }

    var members: [Member] = []

    enum Lookup: Equatable {
        case absent
        case found(StaticNode)
        /// A spread written after the key (or instead of it) might set it.
        case hiddenBySpread(StaticNode)
    }

    /// The key's value as JavaScript would see it: the last property wins, unless a spread after it
    /// could override it.
    func lookup(_ key: String) -> Lookup {
        for member in members.reversed() {
            switch member {
            case .property(let name, let value) where name == key: return .found(value)
            case .spread(let node): return .hiddenBySpread(node)
            default: continue
            }
        }
        return .absent
    }
}
