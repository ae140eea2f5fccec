import Glibc
import PlanModel
import Runner

/// Runs the CREATE INDEX CONCURRENTLY itself: the step's session settings around it (and the
/// previous values back afterwards), progress from a second connection, Ctrl-C, and the
/// recoveries a failed concurrent build needs — it leaves an INVALID index behind.
struct IndexBuild {
    let step: IndexStep
    let sql: IndexSQL
    let connection: PostgresConnection
    let context: StepContext

    /// Builds the index, then confirms the catalog holds it valid, and says how long it took.
    func runConfirmingValid() throws(StepFailure) {
        let label = [sql.schema, step.name].compactMap { $0 }.joined(separator: ".")
        let elapsed = try run()
        let built: IndexCatalog.ExistingIndex?
        do { built = try IndexCatalog(connection: connection).existingIndex(schema: sql.schema ?? "public", name: step.name) } catch {
            throw StepFailure(error, doing: "could not check index \(step.name) after building it")
        }
        guard let built, built.valid else {
            throw StepFailure(
                "CREATE INDEX CONCURRENTLY of \(label) returned, but the index is \(built == nil ? "missing" : "INVALID"); re-run the step to rebuild it"
            )
        }
        context.say(.info, "built index \(label) in \(Units.elapsed(seconds: Units.seconds(of: elapsed)))")
    }

    /// Builds the index; returns how long the server took.
    func run() throws(StepFailure) -> Duration {
        do {
            return try attempt(parallelWorkers: step.parallelWorkers)
        } catch let failure {
            guard let error = failure.postgres, Self.isSharedMemoryExhausted(error), step.parallelWorkers != 0,
                context.interruption.receivedSignal == nil
            else { throw failure }
            context.say(
                .warning,
                "the parallel build ran out of dynamic shared memory (\(error.message)). That is the server's /dev/shm (small in containers: Docker's default is 64MB), not the disk. Retrying once without parallel workers (max_parallel_maintenance_workers = 0); to keep parallel builds, raise the container's shm size or lower maintenance_work_mem"
            )
            return try attempt(parallelWorkers: 0)
        }
    }

    /// The DSM error (`dsm_impl_posix_resize`): SQLSTATE 53100 like a full disk, so the
    /// message decides; a full data or temp volume ("could not extend file", "could not write
    /// to file") is not retried.
    static func isSharedMemoryExhausted(_ error: PostgresError) -> Bool {
        let message = error.message
        if message.contains("could not resize shared memory segment") { return true }
        let diskFull = message.contains("could not extend file") || message.contains("could not write to file")
        return !diskFull && (error.sqlState == "53100" || message.contains("No space left on device"))
    }

    private func attempt(parallelWorkers: Int?) throws(StepFailure) -> Duration {
        if let signal = context.interruption.receivedSignal { throw interrupted(signal, cancelled: false) }
        let saved = try applySettings(parallelWorkers: parallelWorkers)
        defer { restore(saved) }

        let monitor = IndexBuildProgressMonitor(
            target: connection.target, redactor: connection.redactor, builderPID: connection.backendPID,
            report: { [reporter = context.reporter, index = context.index] progress in
                reporter.emit(.progress(index: index, progress))
            },
            onTick: { [interruption = context.interruption, handle = connection.cancelHandle()] in
                // A signal that came just before the statement reached the server found nothing
                // to cancel; repeat it until the build stops.
                if interruption.receivedSignal != nil { handle?.cancelRunningQuery() }
            })
        let clock = ContinuousClock()
        let start = clock.now
        monitor.start()
        let outcome: Result<QueryResult, PostgresError> = context.interruption.cancellable(connection.cancelHandle()) {
            () -> Result<QueryResult, PostgresError> in
            do throws(PostgresError) { return .success(try connection.query(sql.create)) } catch { return .failure(error) }
        }
        monitor.stop()
        let elapsed = clock.now - start
        relayNotices()

        switch outcome {
        case .success:
            if let signal = context.interruption.receivedSignal {
                // The build finished before the cancel arrived: keep it, stop the run.
                throw StepFailure(
                    "\(Interruption.name(of: signal)) received after index \(step.name) was built; stopping before the next step",
                    exitCode: context.interruption.exitStatus ?? ExitStatus.interrupted)
            }
            return elapsed
        case .failure(let error):
            if let signal = context.interruption.receivedSignal {
                dropLeftover()
                throw interrupted(signal, cancelled: true)
            }
            if error.kind == .connectionLost {
                throw StepFailure(
                    "the connection building \(step.name) was lost (\(error.message)); the server may have ended the build (pg_terminate_backend, restart, failover). It leaves an INVALID index, which the next run drops and rebuilds",
                    postgres: error)
            }
            dropLeftover()
            throw StepFailure(error, doing: "could not build index \(step.name)" + Self.advice(for: error))
        }
    }

    private static func advice(for error: PostgresError) -> String {
        switch error.sqlState {
        case "55P03":
            " (the step's lock_timeout ran out while the build waited for other transactions; raise `lock_timeout:` on the step or leave it unset)"
        case "54000":
            " (pgvector needs more memory than plan predicted; raise `maintenance_work_mem:` on the step)"
        default: ""
        }
    }

    private func interrupted(_ signal: Int32, cancelled: Bool) -> StepFailure {
        let what =
            cancelled
            ? "the build of \(step.name) was cancelled and the INVALID index it left dropped" : "the build of \(step.name) did not start"
        return StepFailure(
            "interrupted by \(Interruption.name(of: signal)): \(what); the migration lock is released. Re-run to build it",
            exitCode: signal == SIGTERM ? ExitStatus.terminated : ExitStatus.interrupted)
    }

    /// How long cleanup waits for other transactions before leaving the leftover to the next run.
    static let cleanupLockTimeout = "10s"

    /// Drops the INVALID index a failed build leaves (IF NOT EXISTS would keep it forever).
    func dropLeftover() {
        guard let schema = sql.schema,
            let leftover = try? IndexCatalog(connection: connection).existingIndex(schema: schema, name: step.name), !leftover.valid
        else { return }
        // DROP INDEX CONCURRENTLY waits for every transaction using the table; after a Ctrl-C
        // nobody wants to wait for a long one, so the wait is bounded and the next run finishes
        // the job if it runs out.
        let previous = try? connection.query("SELECT current_setting('lock_timeout')").scalar
        _ = try? connection.query("SELECT set_config('lock_timeout', $1, false)", [Self.cleanupLockTimeout])
        defer { _ = try? connection.query("SELECT set_config('lock_timeout', $1, false)", [previous ?? "0"]) }
        do {
            try connection.query(sql.drop)
            context.say(.info, "dropped the INVALID index \(schema).\(step.name) the failed build left", sql: sql.drop)
        } catch {
            context.say(
                .warning,
                "could not drop the INVALID index \(schema).\(step.name) the failed build left (\(error.message)); the next run drops and rebuilds it"
            )
        }
    }

    private func relayNotices() {
        for notice in connection.takeNotices() where !notice.message.contains("already exists, skipping") {
            context.say(notice.severity == "WARNING" ? .warning : .info, "server: \(notice.message)")
        }
    }

    // MARK: - Session settings

    private struct SavedSettings {
        var values: [(String, String)]
    }

    /// The build's own settings. lock_timeout is the step's (0, none, by default), never the
    /// plan's: a concurrent build's waits for older transactions count as lock waits, and a
    /// short plan-wide timeout would cancel it after it committed an INVALID index.
    private func applySettings(parallelWorkers: Int?) throws(StepFailure) -> SavedSettings {
        var wanted: [(String, String)] = []
        if let budget = step.maintenanceWorkMem { wanted.append(("maintenance_work_mem", "\(max(budget.kilobytes, 1024))kB")) }
        if let parallelWorkers { wanted.append(("max_parallel_maintenance_workers", String(parallelWorkers))) }
        let lockTimeout = step.lockTimeout.map(Units.postgresMilliseconds) ?? "0"
        wanted.append(("lock_timeout", lockTimeout))
        var saved: [(String, String)] = []
        do {
            for (name, value) in wanted {
                let previous = try connection.query("SELECT current_setting($1)", [name]).scalar ?? ""
                try connection.query("SELECT set_config($1, $2, false)", [name, value])
                saved.append((name, previous))
            }
        } catch {
            restore(SavedSettings(values: saved))
            throw StepFailure(error, doing: "could not apply the build's session settings")
        }
        return SavedSettings(values: saved)
    }

    /// Puts the session's previous values back, so later steps see the plan's own settings.
    private func restore(_ saved: SavedSettings) {
        for (name, value) in saved.values.reversed() {
            _ = try? connection.query("SELECT set_config($1, $2, false)", [name, value])
        }
    }
}
