/// A connection string read the way libpq reads it — a `postgres://` URL or `key = value` pairs —
/// into its fields, so the redactor can learn the password in every spelling it was written in
/// (what output shows as the target is `ConnectionEndpoint`, from libpq's own parser).
public struct ConnectionString: Sendable, Equatable {
    /// libpq keywords and their values (decoded): `host`, `port`, `dbname`, `user`, `password`, ….
    public var fields: [String: String] = [:]
    /// The password as it appears in the text, when that differs from the decoded value
    /// (percent-encoded in a URL, backslash-escaped in a quoted conninfo value).
    public var passwordSpellings: [String] = []

    public init(_ text: String) {
        let lower = text.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            parseURL(String(text[(text.firstRange(of: "://")?.upperBound ?? text.endIndex)...]))
        } else {
            parseKeywords(text)
        }
    }

    /// Every form of every secret the string holds: the password decoded and as written, and
    /// its pieces when an unencoded `/` or `@` would make libpq read part of it as a host name.
    public var secrets: [String] {
        guard let password = fields["password"], !password.isEmpty else { return [] }
        var forms = [password] + passwordSpellings
        for form in [password] + passwordSpellings {
            forms += form.split(whereSeparator: { "/@:?#".contains($0) }).map(String.init)
        }
        var unique: [String] = []
        for form in forms where !form.isEmpty && !unique.contains(form) { unique.append(form) }
        return unique
    }

    // MARK: - URL: postgres[ql]://[user[:password]@][host[:port][,…]][/dbname][?key=value&…]

    private mutating func parseURL(_ rest: String) {
        var body = Substring(rest)
        var query: Substring = ""
        if let mark = body.firstIndex(of: "?") {
            query = body[body.index(after: mark)...]
            body = body[..<mark]
        }
        // The last '@' ends the user info: a password with an unencoded '/' or '@' still counts
        // as the password here (libpq would misread it, and its error could echo the pieces).
        var hostAndPath = body
        if let at = body.lastIndex(of: "@") {
            let userInfo = body[..<at]
            hostAndPath = body[body.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                set("user", raw: userInfo[..<colon])
                let rawPassword = userInfo[userInfo.index(after: colon)...]
                set("password", raw: rawPassword)
            } else {
                set("user", raw: userInfo)
            }
        }
        let slash = hostAndPath.firstIndex(of: "/")
        let hosts = slash.map { hostAndPath[..<$0] } ?? hostAndPath
        if let slash { set("dbname", raw: hostAndPath[hostAndPath.index(after: slash)...]) }
        var hostNames: [String] = []
        var ports: [String] = []
        for spec in hosts.split(separator: ",", omittingEmptySubsequences: false) {
            var host = Substring(spec)
            var port: Substring = ""
            if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
                let after = host[host.index(after: close)...]
                if after.hasPrefix(":") { port = after.dropFirst() }
                host = host[host.index(after: host.startIndex)..<close]
            } else if let colon = host.lastIndex(of: ":") {
                port = host[host.index(after: colon)...]
                host = host[..<colon]
            }
            hostNames.append(Self.decoded(host))
            ports.append(Self.decoded(port))
        }
        if hostNames.contains(where: { !$0.isEmpty }) { fields["host"] = hostNames.joined(separator: ",") }
        if ports.contains(where: { !$0.isEmpty }) { fields["port"] = ports.joined(separator: ",") }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            set(Self.decoded(parts[0]), raw: parts.count > 1 ? parts[1] : "")
        }
    }

    private mutating func set(_ key: String, raw: Substring) {
        let value = Self.decoded(raw)
        if !value.isEmpty || fields[key] == nil { fields[key] = value }
        if key == "password", String(raw) != value { passwordSpellings.append(String(raw)) }
    }

    private static func decoded(_ text: Substring) -> String {
        text.removingPercentEncodingForURL() ?? String(text)
    }

    // MARK: - key = value pairs, values optionally single-quoted with \' and \\ escapes

    private mutating func parseKeywords(_ text: String) {
        let characters = Array(text)
        var index = 0
        func skipSpaces() { while index < characters.count, characters[index].isWhitespace { index += 1 } }
        while true {
            skipSpaces()
            guard index < characters.count else { return }
            var key = ""
            while index < characters.count, characters[index] != "=", !characters[index].isWhitespace {
                key.append(characters[index])
                index += 1
            }
            skipSpaces()
            guard index < characters.count, characters[index] == "=" else { return }
            index += 1
            skipSpaces()
            var value = ""
            var written = ""
            // A quoted value ends at the closing quote, a bare one at white space; in both a
            // backslash takes the next character as it is.
            let quoted = index < characters.count && characters[index] == "'"
            if quoted {
                written.append("'")
                index += 1
            }
            while index < characters.count, quoted ? characters[index] != "'" : !characters[index].isWhitespace {
                if characters[index] == "\\", index + 1 < characters.count {
                    written.append(characters[index])
                    index += 1
                }
                value.append(characters[index])
                written.append(characters[index])
                index += 1
            }
            if quoted {
                index += 1
                written.append("'")
            }
            fields[key] = value
            if key == "password" {
                passwordSpellings.append(written)
                if written.hasPrefix("'") { passwordSpellings.append(String(written.dropFirst().dropLast())) }
            }
        }
    }
}
