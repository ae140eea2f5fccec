import Foundation
import Runner
import TestSupport
import Testing

/// A step may ask one question right after the lock is taken: on a new connection it rides in
/// the message that takes the lock; otherwise the step is told to ask it itself.
@Suite("a question asked with the lock")
struct LockedQuestionTests {
    static let question = "SELECT to_regclass('answer_me') IS NOT NULL"

    /// The other session holding the lock, used by the thread that releases it and no other.
    final class Holder: @unchecked Sendable {
        let connection: PostgresConnection
        init(connection: PostgresConnection) { self.connection = connection }
    }

    @Test func onANewConnectionTheAnswerComesWithTheLock() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        try database.connect().execute("CREATE TABLE answer_me (x int)")
        let harness = StepHarness(url: database.url)
        defer { harness.session.close() }
        let (connection, answer) = try harness.session.connectLocked(thenAsking: Self.question)
        #expect(answer?.scalar == "t")
        #expect(try database.connect().migrationLockHolders() == "1")
        #expect(try connection.execute("SHOW client_connection_check_interval").scalar == "1s", "the settings still apply")
        let (_, again) = try harness.session.connectLocked(thenAsking: Self.question)
        #expect(again == nil, "the lock is already held: nothing rides along, the step asks itself")
    }

    @Test func aLockThatHadToBeWaitedForBringsNoAnswer() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let holder = Holder(connection: try database.connect())
        try holder.connection.execute("SELECT pg_advisory_lock(\(AdvisoryLock.prismaKey))")
        let releaser = Thread {
            usleep(300_000)
            _ = try? holder.connection.execute("SELECT pg_advisory_unlock(\(AdvisoryLock.prismaKey))")
        }
        releaser.start()
        let harness = StepHarness(url: database.url)
        defer { harness.session.close() }
        let (_, answer) = try harness.session.connectLocked(thenAsking: Self.question)
        #expect(answer == nil, "asked before the lock was ours, the answer could be stale")
        #expect(harness.session.holdsLock)
    }

    @Test func aDryRunTakesNoLockAndAsksNothingAlong() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let harness = StepHarness(url: database.url, readOnly: true)
        defer { harness.session.close() }
        let (_, answer) = try harness.session.connectLocked(thenAsking: Self.question)
        #expect(answer == nil)
        #expect(!harness.session.holdsLock)
        #expect(try database.connect().migrationLockHolders() == "0")
    }
}
