/// A GitHub Actions workflow command that annotates a file in the pull request
/// (`::error file=F,line=L,col=C::message`): `plan check --format github` writes one per
/// diagnostic, `plan run --format github` one per warning, failure and finding. GitHub reads
/// `%`, CR and LF escaped in the message, and also `:` and `,` in the properties.
public struct GitHubAnnotation: Sendable, Equatable {
    public enum Level: String, Sendable {
        case error, warning, notice
    }

    public var level: Level
    public var message: String
    public var file: String?
    /// 0: no line (the annotation marks the whole file).
    public var line: Int
    public var column: Int
    public var title: String?

    public init(_ level: Level, _ message: String, file: String? = nil, line: Int = 0, column: Int = 0, title: String? = nil) {
        self.level = level
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.title = title
    }

    /// `file`, `file:line` or `file:line:column`, as plan prints a place; nil for none.
    public init(_ level: Level, _ message: String, location: String?, title: String? = nil) {
        self.init(level, message, title: title)
        guard let location, !location.isEmpty else { return }
        var parts = location.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var numbers: [Int] = []
        while numbers.count < 2, parts.count > 1, let number = Int(parts[parts.count - 1]) {
            numbers.insert(number, at: 0)
            parts.removeLast()
        }
        file = parts.joined(separator: ":")
        line = numbers.first ?? 0
        column = numbers.count > 1 ? numbers[1] : 0
    }

    /// The workflow command, newline-terminated.
    public var rendered: String {
        var properties: [String] = []
        if let file { properties.append("file=" + Self.escapeProperty(file)) }
        if line > 0 { properties.append("line=\(line)") }
        if column > 0 { properties.append("col=\(column)") }
        if let title { properties.append("title=" + Self.escapeProperty(title)) }
        let head = properties.isEmpty ? level.rawValue : level.rawValue + " " + properties.joined(separator: ",")
        return "::\(head)::\(Self.escapeData(message))\n"
    }

    static func escapeData(_ text: String) -> String {
        text.replacingScalars(["%": "%25", "\r": "%0D", "\n": "%0A"])
    }

    static func escapeProperty(_ text: String) -> String {
        text.replacingScalars(["%": "%25", "\r": "%0D", "\n": "%0A", ":": "%3A", ",": "%2C"])
    }
}
