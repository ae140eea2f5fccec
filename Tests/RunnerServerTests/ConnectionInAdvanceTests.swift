import Foundation
import Runner
import TestSupport
import Testing

/// A run whose first step connects starts opening its connection while the step reads its files;
/// the step gets that connection, a failure reads as if the step had connected itself, and a
/// connection nobody takes does not outlive the run.
@Suite("connecting in advance")
struct ConnectionInAdvanceTests {
    /// Sessions on `database` other than `monitor`'s own, counted from `monitor`.
    static func sessions(on database: TestDatabase, seenBy monitor: PostgresConnection) throws -> Int {
        let count = try monitor.query(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [database.name]
        ).scalar
        return Int(count ?? "") ?? -1
    }

    static func monitor() throws -> PostgresConnection {
        try PostgresConnection(target: ConnectionTarget(url: TestDatabase.serverURL))
    }

    @Test func theStepGetsTheConnectionOpenedInAdvance() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let harness = StepHarness(url: database.url)
        harness.session.startConnecting()
        let connection = try harness.session.connectLocked()
        #expect(try connection.execute("SELECT current_database()").scalar == database.name)
        #expect(try Self.sessions(on: database, seenBy: Self.monitor()) == 1, "one session, not a second one opened beside it")
        #expect(try database.connect().migrationLockHolders() == "1", "the lock is taken on that session")
        harness.session.close()
    }

    @Test func aConnectionNobodyTakesIsClosed() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let monitor = try Self.monitor()
        let harness = StepHarness(url: database.url)
        harness.session.startConnecting()
        harness.session.close()
        var remaining = try Self.sessions(on: database, seenBy: monitor)
        let deadline = ContinuousClock.now + .seconds(10)
        while remaining != 0, ContinuousClock.now < deadline {
            usleep(20_000)
            remaining = try Self.sessions(on: database, seenBy: monitor)
        }
        #expect(remaining == 0)
    }

    @Test func aFailureToConnectInAdvanceIsReportedWhenTheStepAsks() throws {
        let harness = StepHarness(url: "postgresql://nobody@127.0.0.1:1/none?connect_timeout=5")
        harness.session.startConnecting()
        #expect(harness.sink.messages.isEmpty, "nothing is said before a step asks")
        do {
            _ = try harness.session.connect()
            Issue.record("connected to a port nothing listens on")
        } catch {
            #expect(error.exitCode == 3)
            #expect(error.message.hasPrefix("could not connect to nobody@127.0.0.1:1/none"), "\(error.message)")
        }
    }
}
