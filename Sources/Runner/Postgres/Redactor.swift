/// Replaces known secrets (a URL's password, `PGPASSWORD`, values read from `env`) in any text
/// before it is shown. Every message that may carry user input passes through one of these.
public struct Redactor: Sendable, Equatable {
    public private(set) var secrets: [String]

    public init(secrets: [String] = []) {
        self.secrets = []
        for secret in secrets { add(secret) }
    }

    public mutating func add(_ secret: String) {
        // Very short values would blank out ordinary words; libpq never accepts them anyway.
        guard secret.count >= 3, !secrets.contains(secret) else { return }
        secrets.append(secret)
        // Longest first, so a secret that contains another is replaced whole.
        secrets.sort { $0.count > $1.count }
        let encoded = secret.addingPercentEncodingForURL()
        if encoded != secret {
            secrets.append(encoded)
        }
    }

    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: "***")
        }
        return result
    }
}
