/// Where to connect, prepared for libpq: a Prisma-style URL has Prisma's own query parameters
/// taken out (libpq would reject them: "invalid URI query parameter"), and their meaning kept.
public struct ConnectionTarget: Sendable, Equatable {
    /// The connection string libpq receives; empty means libpq's own defaults (PG* variables,
    /// service files, .pgpass).
    public var conninfo: String
    /// Prisma's `?schema=`: the search_path and the history table's schema.
    public var schema: String?
    /// Why this URL looks like a transaction pooler, if it does.
    public var poolerWarning: String?
    /// Secrets found in the URL (its password), for the run's redactor.
    public var secrets: [String]
    /// Extra libpq keywords (e.g. `options`), applied after the URL.
    public var readOnly: Bool = false
    /// How this URL was chosen ("--database-url", "directUrl (DIRECT_URL) in prisma/schema.prisma:12:23"),
    /// shown with the target at the start of every run.
    public var source: String = "libpq's defaults (PG* variables, .pgpass)"

    /// Host, port, database and user, for the run's header; nil when libpq cannot parse it.
    public var endpoint: ConnectionEndpoint? { ConnectionEndpoint(conninfo: conninfo) }

    /// Query parameters Prisma understands and libpq does not.
    static let prismaParameters: Set<String> = [
        "schema", "pgbouncer", "connection_limit", "pool_timeout", "statement_cache_size",
        "socket_timeout", "sslaccept",
    ]

    public init(url: String?) {
        guard let url, !url.isEmpty else {
            self.init(conninfo: "", schema: nil, poolerWarning: nil, secrets: [])
            return
        }
        let lower = url.lowercased()
        guard lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") else {
            // A key=value conninfo string: libpq reads it as it is.
            let parsed = ConnectionString(url)
            self.init(conninfo: url, schema: nil, poolerWarning: nil, secrets: parsed.secrets)
            return
        }
        var base = url
        var query = ""
        if let mark = url.firstIndex(of: "?") {
            base = String(url[..<mark])
            query = String(url[url.index(after: mark)...])
        }
        var kept: [String] = []
        var schema: String?
        var pgbouncer = false
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0])
            let value = parts.count > 1 ? (parts[1].removingPercentEncodingForURL() ?? String(parts[1])) : ""
            if Self.prismaParameters.contains(key) {
                if key == "schema" { schema = value }
                if key == "pgbouncer", value == "true" { pgbouncer = true }
            } else {
                kept.append(String(pair))
            }
        }
        let conninfo = kept.isEmpty ? base : base + "?" + kept.joined(separator: "&")
        let authority = Self.authority(of: base)
        // The secrets from the whole URL, as libpq would read it: a `?password=` counts too.
        let parsed = ConnectionString(url)
        let secrets = parsed.secrets
        var warning: String?
        if pgbouncer {
            warning = "the URL says pgbouncer=true"
        } else if authority.hostPort.hasSuffix(":6543") {
            warning = "port 6543 is the usual transaction-pooler port"
        } else if authority.hostPort.contains("-pooler") {
            warning = "the host name contains '-pooler'"
        }
        self.init(conninfo: conninfo, schema: schema, poolerWarning: warning, secrets: secrets)
    }

    public init(conninfo: String, schema: String?, poolerWarning: String?, secrets: [String]) {
        self.conninfo = conninfo
        self.schema = schema
        self.poolerWarning = poolerWarning
        self.secrets = secrets
    }

    /// The target for messages, from libpq's parsed fields (`endpoint`), never the string with
    /// its password masked: a masked string gives a short password away (`sslmode=dis***le`).
    public var displayString: String {
        endpoint?.summary ?? "(a connection string libpq cannot parse)"
    }

    private static func authority(of base: String) -> (password: String?, hostPort: String) {
        guard let schemeEnd = base.firstRange(of: "://") else { return (nil, "") }
        let rest = base[schemeEnd.upperBound...]
        let authority = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard let at = authority.lastIndex(of: "@") else { return (nil, String(authority)) }
        let userInfo = authority[..<at]
        let hostPort = String(authority[authority.index(after: at)...])
        guard let colon = userInfo.firstIndex(of: ":") else { return (nil, hostPort) }
        let password = String(userInfo[userInfo.index(after: colon)...])
        return (password.isEmpty ? nil : password, hostPort)
    }
}
