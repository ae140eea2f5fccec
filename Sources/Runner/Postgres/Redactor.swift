/// Replaces known secrets (a connection string's password in any spelling, `PGPASSWORD`, the
/// `.pgpass` passwords, values read from `env` or `.env`) in any text before it is shown. The CLI
/// feeds one redactor at one place (RunWiring) and the reporter applies it to every event, so
/// every sink — text, JSON lines, the Markdown summary — and every error path gets it.
public struct Redactor: Sendable, Equatable {
    /// Texts replaced wherever they occur, longest first.
    public private(set) var secrets: [String]
    /// Secrets of one or two characters: replaced only as whole words, since replacing them
    /// inside words would blank ordinary text (and give them away by where the `***` falls).
    public private(set) var shortSecrets: [String] = []

    public init(secrets: [String] = []) {
        self.secrets = []
        for secret in secrets { add(secret) }
    }

    public var isEmpty: Bool { secrets.isEmpty && shortSecrets.isEmpty }

    public mutating func add(_ secret: String) {
        guard !secret.isEmpty else { return }
        if secret.count < 3 {
            if !shortSecrets.contains(secret) { shortSecrets.append(secret) }
            return
        }
        // Every spelling the value can take in output: percent-encoded (URLs), shell-quoted once
        // and twice (an exec command line, shown quoted again), and as a SQL literal's body.
        let shellEscaped = secret.replacing("'", with: "'\\''")
        let spellings = [
            secret, secret.addingPercentEncodingForURL(), shellEscaped, shellEscaped.replacing("'", with: "'\\''"),
            secret.replacing("'", with: "''"), secret.replacing("\\", with: "\\\\").replacing("'", with: "''"),
        ]
        for spelling in spellings where !secrets.contains(spelling) { secrets.append(spelling) }
        // Longest first, so a secret that contains another is replaced whole.
        secrets.sort { $0.count > $1.count }
    }

    public mutating func add(contentsOf other: Redactor) {
        for secret in other.secrets + other.shortSecrets { add(secret) }
    }

    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: "***")
        }
        for secret in shortSecrets where result.contains(secret) {
            result = Self.replacingWholeWords(secret, in: result)
        }
        return result
    }

    private static func replacingWholeWords(_ word: String, in text: String) -> String {
        let characters = Array(text)
        let target = Array(word)
        var result = ""
        var index = 0
        func isWordCharacter(_ position: Int) -> Bool {
            position >= 0 && position < characters.count && (characters[position].isLetter || characters[position].isNumber)
        }
        while index < characters.count {
            if index + target.count <= characters.count, Array(characters[index..<index + target.count]) == target,
                !isWordCharacter(index - 1), !isWordCharacter(index + target.count)
            {
                result += "***"
                index += target.count
            } else {
                result.append(characters[index])
                index += 1
            }
        }
        return result
    }
}
