/// A problem found in a plan, as data: golden tests pin it, the terminal and GitHub annotations
/// render it, and none of it is ever thrown away because an earlier one was found first.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Equatable, Comparable {
        case error, warning, note

        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
        private var rank: Int {
            switch self {
            case .error: 0
            case .warning: 1
            case .note: 2
            }
        }
    }

    /// Context for a diagnostic: where an included plan was included from, a hint.
    public struct Note: Sendable, Equatable {
        public var message: String
        public var location: SourceLocation?
        public init(message: String, location: SourceLocation? = nil) {
            self.message = message
            self.location = location
        }
    }

    public var severity: Severity
    /// A stable name for the kind of problem (`unknown-key`, `missing-param`, `sql-syntax`, …),
    /// for CI to match on while the wording of `message` improves. docs/EVENTS.md lists them.
    public var code: String
    public var message: String
    public var location: SourceLocation
    public var notes: [Note]

    public init(severity: Severity = .error, code: String, message: String, location: SourceLocation, notes: [Note] = []) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
        self.notes = notes
    }

    init(_ message: DiagnosticMessage, at location: SourceLocation, notes: [Note] = []) {
        self.init(severity: message.severity, code: message.code, message: message.text, location: location, notes: notes)
    }

    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }
}
