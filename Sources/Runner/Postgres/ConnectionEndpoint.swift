internal import CLibPQ

/// Where a connection goes, as libpq itself reads the connection string: its own parser
/// (PQconninfoParse, for URLs and key=value strings alike), with what the string leaves out taken
/// from libpq's defaults (PGHOST, PGPORT, PGDATABASE, PGUSER, then its built-in ones). Built from
/// parsed fields, never by masking a string, so no form of password can leak into it.
public struct ConnectionEndpoint: Sendable, Equatable {
    public var host: String
    public var port: String
    public var database: String
    public var user: String

    public init(host: String, port: String, database: String, user: String) {
        self.host = host
        self.port = port
        self.database = database
        self.user = user
    }

    /// nil when libpq cannot parse `conninfo` (connecting will then say why).
    public init?(conninfo: String) {
        var parsed: [String: String] = [:]
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            if let error { PQfreemem(error) }
            return nil
        }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { parsed[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        var defaults: [String: String] = [:]
        if let fallback = PQconndefaults() {
            defer { PQconninfoFree(fallback) }
            var option = fallback
            while let keyword = option.pointee.keyword {
                if let value = option.pointee.val { defaults[String(cString: keyword)] = String(cString: value) }
                option += 1
            }
        }
        func value(_ keyword: String) -> String? {
            if let given = parsed[keyword], !given.isEmpty { return given }
            if let fallback = defaults[keyword], !fallback.isEmpty { return fallback }
            return nil
        }
        // libpq's own fallbacks: the user is the OS user, the database is named after the user,
        // the host is the Unix socket directory.
        let user = value("user") ?? "(the OS user)"
        self.init(
            host: value("host") ?? value("hostaddr") ?? "(local socket)", port: value("port") ?? "5432",
            database: value("dbname") ?? user, user: user)
    }

    /// `user@host:port/database`: what a person checks before a deploy.
    public var summary: String { "\(user)@\(host):\(port)/\(database)" }
}
