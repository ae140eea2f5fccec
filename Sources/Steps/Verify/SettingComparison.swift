import PlanModel

/// Compares a server setting with the value a plan expects, as PostgreSQL itself reads values:
/// numbers with units are compared in the setting's unit (`64MB` against `65536kB` is equal), a
/// bare number is in the setting's own unit (as in SET), booleans accept on/off/true/false/yes/no/1/0.
struct SettingComparison {
    /// `pg_settings.setting`: the value in the setting's base unit.
    var setting: String
    /// `pg_settings.unit`, e.g. `kB`, `8kB`, `ms`, `s`, `min`; nil when unitless.
    var unit: String?
    /// `pg_settings.vartype`: bool, enum, integer, real, string.
    var type: String

    enum Outcome: Equatable {
        case holds(Bool)
        /// The values cannot be compared that way; says why.
        case incomparable(String)
    }

    func compare(_ comparison: VerifyCheck.Comparison, _ expected: String) -> Outcome {
        switch type {
        case "integer", "real":
            guard let observed = Double(setting) else { return .incomparable("the server reported \(setting), which is not a number") }
            let observedInBase = observed * (unit.flatMap(Self.factor) ?? 1)
            guard let wanted = Self.quantity(expected, defaultUnit: unit) else {
                return .incomparable(
                    "`\(expected)` is not a number with a unit this setting accepts (\(unit.map { "its unit is \($0)" } ?? "it has no unit"))"
                )
            }
            guard Self.kind(ofUnit: unit) == wanted.kind else {
                return .incomparable("`\(expected)` is a \(wanted.kind) but the setting's unit is \(unit ?? "none")")
            }
            let order = observedInBase == wanted.value ? 0 : (observedInBase < wanted.value ? -1 : 1)
            return .holds(comparison.holds(for: order))
        case "bool":
            guard let observed = Self.boolean(setting), let wanted = Self.boolean(expected) else {
                return .incomparable("`\(expected)` is not a boolean (on, off, true, false)")
            }
            guard !comparison.isOrdering else { return .incomparable("a boolean setting can only be compared with = or !=") }
            return .holds(comparison.holds(for: observed == wanted ? 0 : 1))
        default:
            if comparison.isOrdering {
                guard let observed = Double(setting), let wanted = Double(expected) else {
                    return .incomparable("\(comparison.rawValue) needs numbers, and this setting is \(type) text")
                }
                return .holds(comparison.holds(for: observed == wanted ? 0 : (observed < wanted ? -1 : 1)))
            }
            // Enum settings are case-insensitive in PostgreSQL; strings are compared exactly.
            let same = type == "enum" ? setting.lowercased() == expected.lowercased() : setting == expected
            return .holds(comparison.holds(for: same ? 0 : 1))
        }
    }

    enum UnitKind: String { case memory, time, number }

    /// Bytes for memory units, milliseconds for time units.
    static func factor(_ unit: String) -> Double? {
        let memory: [String: Double] = ["B": 1, "kB": 1024, "MB": 1_048_576, "GB": 1_073_741_824, "TB": 1_099_511_627_776]
        let time: [String: Double] = ["us": 0.001, "ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000]
        if let value = memory[unit] ?? time[unit] { return value }
        // pg_settings reports block-sized units as e.g. `8kB`.
        let digits = unit.prefix(while: \.isNumber)
        if !digits.isEmpty, let multiple = Double(digits), let base = factor(String(unit.dropFirst(digits.count))) {
            return multiple * base
        }
        return nil
    }

    static func kind(ofUnit unit: String?) -> UnitKind {
        guard let unit else { return .number }
        let base = String(unit.drop(while: \.isNumber))
        return ["us", "ms", "s", "min", "h", "d"].contains(base) ? .time : .memory
    }

    /// `64MB` → (67108864, memory); `30s` → (30000, time); `100` → in `defaultUnit`.
    static func quantity(_ text: String, defaultUnit: String?) -> (value: Double, kind: UnitKind)? {
        let trimmed = text.trimmingSpaces()
        let numberEnd = trimmed.firstIndex { !($0.isNumber || $0 == "." || $0 == "-" || $0 == "+") } ?? trimmed.endIndex
        guard let number = Double(trimmed[..<numberEnd]) else { return nil }
        let unitText = trimmed[numberEnd...].trimmingSpaces()
        if unitText.isEmpty {
            return (number * (defaultUnit.flatMap(factor) ?? 1), kind(ofUnit: defaultUnit))
        }
        guard let multiplier = factor(unitText) else { return nil }
        return (number * multiplier, kind(ofUnit: unitText))
    }

    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "on", "true", "yes", "1", "t", "y": true
        case "off", "false", "no", "0", "f", "n": false
        default: nil
        }
    }
}
