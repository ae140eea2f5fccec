import Foundation
import Runner
import Synchronization
import TestSupport
import Testing

/// The lock-safety trials of docs/RELIABILITY.md: random migrations against a table that random
/// sessions hold open for a random while, with steady traffic (inserts and reads) on it. Each
/// trial checks that the traffic never queued long behind the migration (nothing blocked), that
/// every insert that succeeded is there (nothing lost), and that the migration either applied or
/// gave up leaving no history row, after which a plain re-run applies it.
///
/// CI runs 3 trials; `PLAN_LOCK_TRIALS=30 scripts/test --filter ReliabilityLockTests` runs more.
@Suite("reliability: lock-safety trials", .serialized)
struct ReliabilityLockTests {
    static let migrations = [
        "ALTER TABLE t ADD COLUMN c\(0) int DEFAULT 0;\n",
        "CREATE INDEX t_id_c\(0) ON t (id);\n",
        "ALTER TABLE t ADD COLUMN c\(0) text;\nUPDATE t SET c\(0) = 'x' WHERE id < 10;\n",
        "ALTER TABLE t ADD COLUMN c\(0) int;\nCREATE INDEX CONCURRENTLY t_c\(0) ON t (c\(0));\n",
        "ALTER TABLE t ADD CONSTRAINT k\(0) CHECK (id >= 0) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT k\(0);\n",
    ]

    /// Inserts and reads on `t` from their own connection until stopped, timing each.
    final class Traffic: Sendable {
        struct State {
            var stopped = false
            var latencies: [Duration] = []
            var inserted = 0
            var errors: [String] = []
        }
        let state = Mutex(State())
        let done = DispatchSemaphore(value: 0)

        init(url: String) {
            Thread.detachNewThread { [self] in
                defer { done.signal() }
                guard let connection = try? PostgresConnection(target: ConnectionTarget(url: url), applicationName: "traffic") else {
                    state.withLock { $0.errors.append("could not connect") }
                    return
                }
                let clock = ContinuousClock()
                var next = 1_000_000
                while !state.withLock({ $0.stopped }) {
                    let start = clock.now
                    do {
                        try connection.execute("INSERT INTO t (id) VALUES (\(next))")
                        _ = try connection.execute("SELECT count(*) FROM t")
                        let took = clock.now - start
                        state.withLock {
                            $0.latencies.append(took)
                            $0.inserted += 1
                        }
                        next += 1
                    } catch {
                        state.withLock { $0.errors.append("\(error)") }
                    }
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }
        }

        func stop() -> State {
            state.withLock { $0.stopped = true }
            done.wait()
            return state.withLock { $0 }
        }
    }

    @Test func randomLockHoldersNeverQueueTrafficBehindAMigrationAndNothingIsLost() throws {
        let trials = Int(ProcessInfo.processInfo.environment["PLAN_LOCK_TRIALS"] ?? "") ?? 3
        var generator = SystemRandomNumberGenerator()
        var allLatencies: [Duration] = []
        var outcomes: [String: Int] = [:]
        for trial in 1...trials {
            let database = try TestDatabase.fresh()
            defer { database.drop() }
            let project = try MigrationsFixture([
                ("1_t", "CREATE TABLE t (id int);\nINSERT INTO t SELECT g FROM generate_series(1, 1000) g;\n")
            ])
            defer { project.remove() }
            #expect(try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root).status == 0)
            let sql = Self.migrations.randomElement(using: &generator)!.replacing("c0", with: "c\(trial)").replacing(
                "k0", with: "k\(trial)")
            _ = try project.add("2_change", sql)
            // A tight budget in some trials, so giving up (and the re-run after it) is exercised.
            let tight = Bool.random(using: &generator)
            try project.directory.write(
                "deploy.plan.yaml",
                "plan: 1\nname: deploy\nsettings:\n  lock_retry: { budget: \(tight ? "2s" : "5m") }\nsteps:\n  - migrate: {}\n")

            let traffic = Traffic(url: database.url)
            // One to three sessions hold the table for 0.2–5 s each: the first from before the
            // deploy starts, the others from 0–1.5 s into it (queuing behind it if it waits).
            let holders = (0..<Int.random(in: 1...3, using: &generator)).map { index in
                (delay: index == 0 ? 0 : Double.random(in: 0...1.5, using: &generator), hold: Double.random(in: 0.2...5, using: &generator))
            }
            let released = DispatchGroup()
            for (index, holder) in holders.enumerated() {
                let connection = try PostgresConnection(target: ConnectionTarget(url: database.url), applicationName: "holder-\(index)")
                nonisolated(unsafe) let session = connection
                released.enter()
                if holder.delay == 0 { try connection.execute("BEGIN; SELECT * FROM t LIMIT 1") }
                DispatchQueue.global().asyncAfter(deadline: .now() + holder.delay) {
                    if holder.delay > 0 { _ = try? session.execute("BEGIN; SELECT * FROM t LIMIT 1") }
                    DispatchQueue.global().asyncAfter(deadline: .now() + holder.hold) {
                        _ = try? session.execute("COMMIT")
                        released.leave()
                    }
                }
            }
            let first = try PlanProcess.run(["run", "deploy.plan.yaml", "--database-url", database.url], directory: project.root)
            released.wait()
            var outcome = first.status == 0 ? "applied" : "gave up, re-run applied"
            if first.status != 0 {
                #expect(first.all.contains("could not take its locks"), "trial \(trial): \(first.all)")
                #expect(
                    try database.connect().execute("SELECT count(*) FROM _prisma_migrations WHERE migration_name = '2_change'").scalar
                        == "0", "trial \(trial): a row was left")
                let again = try PlanProcess.run(["run", "deploy.plan.yaml", "--database-url", database.url], directory: project.root)
                #expect(again.status == 0, "trial \(trial): \(again.all)")
                if again.status != 0 { outcome = "failed" }
            }
            outcomes[outcome, default: 0] += 1
            let seen = traffic.stop()
            let check = try database.connect()
            #expect(seen.errors.isEmpty, "trial \(trial): traffic errors \(seen.errors)")
            #expect(
                try check.execute("SELECT count(*) FROM t WHERE id >= 1000000").scalar == String(seen.inserted),
                "trial \(trial): inserts lost")
            #expect(
                try check.execute(
                    "SELECT count(*) || '/' || count(finished_at) || '/' || count(*) FILTER (WHERE logs IS NOT NULL) FROM _prisma_migrations WHERE migration_name = '2_change'"
                ).scalar == "1/1/0", "trial \(trial): \(sql)")
            #expect(try check.execute("SELECT count(*) FROM pg_index WHERE NOT indisvalid").scalar == "0")
            let worst = seen.latencies.max() ?? .zero
            #expect(worst < .seconds(3), "trial \(trial): traffic waited \(worst) (\(sql))")
            allLatencies += seen.latencies
            print(
                "lock trial \(trial): \(holders.count) holder(s) \(holders.map { String(format: "%.1fs", $0.hold) }), budget \(tight ? "2s" : "5m"), "
                    + "\(sql.split(separator: "\n").first ?? ""): \(outcome); traffic max \(worst)")
        }
        let sorted = allLatencies.sorted()
        let median = sorted.isEmpty ? .zero : sorted[sorted.count / 2]
        let p99 = sorted.isEmpty ? .zero : sorted[min(sorted.count - 1, sorted.count * 99 / 100)]
        print(
            "lock trials: \(trials) trials, \(outcomes), \(sorted.count) traffic round trips, wait median \(median), p99 \(p99), max \(sorted.last ?? .zero)"
        )
    }
}
