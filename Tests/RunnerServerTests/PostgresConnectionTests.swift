import Foundation
import Runner
import TestSupport
import Testing

@Suite("PostgresConnection against the real server")
struct PostgresConnectionTests {
    @Test func runsSimpleAndParameterisedQueries() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        #expect(try connection.execute("SELECT 1 + 1 AS two").scalar == "2")
        let result = try connection.query("SELECT $1::int * 2 AS doubled, $2::text IS NULL AS missing", ["21", nil])
        #expect(result.columns == ["doubled", "missing"])
        #expect(result.rows == [["42", "t"]])
        #expect(connection.serverVersionNumber >= 130000)
    }

    @Test func parametersCannotChangeTheStatement() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (v text)")
        let hostile = "x'); DROP TABLE t; --"
        try connection.query("INSERT INTO t VALUES ($1)", [hostile])
        #expect(try connection.execute("SELECT v FROM t").scalar == hostile)
    }

    @Test func setsApplicationName() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        #expect(try connection.execute("SHOW application_name").scalar == "plan/\(PlanVersion.current)")
    }

    @Test func reportsServerErrorFields() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (id int PRIMARY KEY)")
        let error = #expect(throws: PostgresError.self) {
            try connection.execute("SELECT nosuchcolumn FROM t")
        }
        #expect(error?.kind == .server)
        #expect(error?.sqlState == "42703")
        #expect(error?.message == "column \"nosuchcolumn\" does not exist")
        #expect(error?.position == 8)
        #expect(error?.severity == "ERROR")

        try connection.execute("INSERT INTO t VALUES (1)")
        let duplicate = #expect(throws: PostgresError.self) {
            try connection.execute("INSERT INTO t VALUES (1)")
        }
        #expect(duplicate?.sqlState == "23505")
        #expect(duplicate?.detail == "Key (id)=(1) already exists.")

        let hinted = #expect(throws: PostgresError.self) {
            try connection.execute("SELECT no_such_function(1)")
        }
        #expect(hinted?.hint?.contains("No function matches") == true)
    }

    @Test func scriptsReportHowManyStatementsCompleted() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        let outcome = connection.runScript("CREATE TABLE a (x int); INSERT INTO a VALUES (1); SELECT 1/0; CREATE TABLE b (x int)")
        #expect(outcome.completedStatements == 2)
        #expect(outcome.error?.sqlState == "22012")
        let success = connection.runScript("SELECT 1; SELECT 2")
        #expect(success == ScriptOutcome(completedStatements: 2, error: nil))
    }

    @Test func aBatchRunsInOrderStopsAtTheFirstFailureAndKeepsParametersApart() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        let hostile = "x'); DROP TABLE t; --"
        let outcomes = try connection.batch([
            ParameterizedQuery("CREATE TABLE t (v text)"),
            ParameterizedQuery("INSERT INTO t VALUES ($1)", [hostile]),
            ParameterizedQuery("SELECT v, $1::int AS n FROM t", ["7"]),
            ParameterizedQuery("SELECT 1 / 0"),
            ParameterizedQuery("SELECT 2"),
        ])
        #expect(outcomes.count == 5)
        #expect(outcomes[2] == .succeeded(QueryResult(columns: ["v", "n"], rows: [[hostile, "7"]], commandTag: "SELECT 1")))
        guard case .failed(let error) = outcomes[3] else {
            Issue.record("expected the division to fail, got \(outcomes[3])")
            return
        }
        #expect(error.sqlState == "22012")
        #expect(outcomes[4] == .skipped)
        #expect(BatchOutcome.firstFailure(in: outcomes)?.index == 3)
        // The batch was one implicit transaction: its failure took the table with it.
        #expect(try connection.execute("SELECT to_regclass('t') IS NULL").scalar == "t")
        #expect(connection.transactionState == .idle)
        #expect(try connection.execute("SELECT 3").scalar == "3")
    }

    @Test func aBatchOnASessionTheServerEndedFailsAsAQueryWouldAndIsSafeToRetry() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        try database.connect().query("SELECT pg_terminate_backend($1::int)", [String(connection.backendPID)])
        var failure: PostgresError?
        do {
            let outcomes = try connection.batch([ParameterizedQuery("SELECT 1"), ParameterizedQuery("SELECT 2")])
            #expect(!outcomes.contains { if case .succeeded = $0 { true } else { false } })
            failure = BatchOutcome.firstFailure(in: outcomes)?.error
        } catch {
            failure = error
        }
        // The server's goodbye (57P01, administrator command), as `execute` reports it: the
        // engine retries such a step on a new session.
        #expect(failure?.isSafeToRetry == true, "\(String(describing: failure))")
        #expect(!connection.isConnected)
    }

    @Test func aBatchThatBeginsATransactionLeavesItOpen() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        let outcomes = try connection.batch([
            ParameterizedQuery("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"),
            ParameterizedQuery("SELECT current_setting('transaction_isolation'), current_setting('transaction_read_only')"),
        ])
        #expect(
            outcomes.last
                == .succeeded(
                    QueryResult(
                        columns: ["current_setting", "current_setting"], rows: [["repeatable read", "on"]], commandTag: "SELECT 1")))
        #expect(connection.transactionState == .inTransaction)
        try connection.execute("ROLLBACK")
        #expect(connection.transactionState == .idle)
    }

    @Test func cancelsARunningQueryFromAnotherThread() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        let cancel = try #require(connection.cancelHandle())
        let started = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { cancel.cancelRunningQuery() }
        let error = #expect(throws: PostgresError.self) { try connection.execute("SELECT pg_sleep(30)") }
        #expect(error?.sqlState == "57014")
        #expect(Date().timeIntervalSince(started) < 20)
        // The session stays usable after a cancel.
        #expect(try connection.execute("SELECT 'still here'").scalar == "still here")
    }

    @Test func collectsServerNotices() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("DO $$ BEGIN RAISE NOTICE 'hello %', 42; END $$")
        #expect(connection.takeNotices().map(\.message) == ["hello 42"])
        #expect(connection.takeNotices().isEmpty)
    }

    @Test func readOnlySessionsRefuseWrites() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let readOnly = try PostgresConnection(target: ConnectionTarget(url: database.url), readOnly: true)
        let error = #expect(throws: PostgresError.self) { try readOnly.execute("CREATE TABLE t (x int)") }
        #expect(error?.sqlState == "25006")
    }

    @Test func prismaURLParametersAreTakenOutAndSchemaBecomesTheSearchPath() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        try database.connect().execute("CREATE SCHEMA \"Tenant One\"")
        let url = database.url + "?schema=Tenant%20One&connection_limit=1&pgbouncer=false&sslmode=disable"
        let target = ConnectionTarget(url: url)
        #expect(target.schema == "Tenant One")
        #expect(!target.conninfo.contains("schema="))
        #expect(target.conninfo.hasSuffix("?sslmode=disable"))
        let connection = try PostgresConnection(target: target)
        #expect(try connection.execute("SELECT current_schema()").scalar == "Tenant One")
    }

    @Test func connectionErrorsNeverShowThePassword() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let wrong = database.url.replacingOccurrences(of: database.password, with: "Secret-Wrong-Pass")
        let authError = #expect(throws: PostgresError.self) {
            _ = try PostgresConnection(target: ConnectionTarget(url: wrong))
        }
        #expect(authError?.kind == .connection)
        #expect(authError?.message.contains("password authentication failed") == true)
        #expect(authError?.message.contains("Secret-Wrong-Pass") == false)

        let refused = "postgresql://postgres:Refused-secret@127.0.0.1:1/postgres"
        let refusedError = #expect(throws: PostgresError.self) {
            _ = try PostgresConnection(target: ConnectionTarget(url: refused))
        }
        #expect(refusedError?.kind == .connection)
        #expect(refusedError?.message.contains("Refused-secret") == false)

        let malformed = "postgresql://postgres:Malformed-secret@127.0.0.1:notaport/postgres"
        let malformedError = #expect(throws: PostgresError.self) {
            _ = try PostgresConnection(target: ConnectionTarget(url: malformed))
        }
        #expect(malformedError?.message.contains("Malformed-secret") == false)
        #expect(ConnectionTarget(url: malformed).displayString.contains("Malformed-secret") == false)
    }

    @Test func serverMessagesEchoingThePasswordAreRedacted() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        let error = #expect(throws: PostgresError.self) {
            try connection.execute("SELECT '\(database.password)'::int")
        }
        #expect(error?.message.contains(database.password) == false)
        #expect(error?.message.contains("***") == true)
    }
}
