import Foundation
public import Runner

/// A fresh database on the test server for one test, made with CREATE DATABASE … TEMPLATE and
/// dropped by `drop()`. The server comes from scripts/test (PLAN_TEST_DATABASE_URL); without it
/// integration tests fail rather than skip, so a missing server can never pass as green.
public struct TestDatabase: Sendable {
    public let name: String
    /// The database's URL, with the server's password in it.
    public let url: String
    /// The server's password, for redaction checks.
    public let password: String

    public static var serverURL: String {
        guard let url = ProcessInfo.processInfo.environment["PLAN_TEST_DATABASE_URL"], !url.isEmpty else {
            fatalError(
                "PLAN_TEST_DATABASE_URL is not set: run the tests with scripts/test, which starts PostgreSQL")
        }
        return url
    }

    /// Creates an empty database (optionally with extensions) and returns it.
    public static func fresh(extensions: [String] = [], function: String = #function) throws -> TestDatabase {
        let server = serverURL
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let stem = function.prefix { $0.isLetter || $0.isNumber }.lowercased().prefix(40)
        let name = "t_\(stem)_\(suffix)"
        let admin = try PostgresConnection(target: ConnectionTarget(url: server))
        try admin.execute("CREATE DATABASE \(PostgresConnection.quoteIdentifier(name)) TEMPLATE template1")
        let database = TestDatabase(name: name, url: Self.url(server, database: name), password: Self.password(in: server))
        if !extensions.isEmpty {
            let connection = try database.connect()
            for name in extensions {
                try connection.execute("CREATE EXTENSION IF NOT EXISTS \(PostgresConnection.quoteIdentifier(name))")
            }
        }
        return database
    }

    public func connect() throws -> PostgresConnection {
        try PostgresConnection(target: ConnectionTarget(url: url))
    }

    /// Drops the database, ending any session still connected to it.
    public func drop() {
        guard let admin = try? PostgresConnection(target: ConnectionTarget(url: Self.serverURL)) else { return }
        _ = try? admin.execute("DROP DATABASE IF EXISTS \(PostgresConnection.quoteIdentifier(name)) WITH (FORCE)")
    }

    /// `url` with its database path replaced.
    public static func url(_ server: String, database: String) -> String {
        guard let schemeEnd = server.range(of: "://") else { return server }
        let afterScheme = server[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterScheme.endIndex
        let query = afterScheme[authorityEnd...].firstIndex(of: "?").map { String(afterScheme[$0...]) } ?? ""
        return String(server[..<authorityEnd]) + "/" + database + query
    }

    static func password(in url: String) -> String {
        guard let schemeEnd = url.range(of: "://"), let at = url.range(of: "@") else { return "" }
        let userInfo = url[schemeEnd.upperBound..<at.lowerBound]
        return userInfo.split(separator: ":", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
    }
}

extension PostgresConnection {
    /// How many sessions hold the migration lock (Prisma's advisory key) in this connection's
    /// database, as a count from pg_locks; tests share the server, so other databases don't count.
    public func migrationLockHolders() throws -> String? {
        try execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = \(AdvisoryLock.prismaKey) AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        ).scalar ?? nil
    }
}
