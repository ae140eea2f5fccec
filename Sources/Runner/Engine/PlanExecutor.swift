public import PlanModel

/// A step ready to run: its common keys and the runner for its kind.
public struct ExecutableStep {
    public var name: String
    public var kind: String
    public var enabled: Bool
    public var retry: RetryPolicy?
    /// The step's `timeout:`, enforced by cancelling its query; nil for steps that enforce
    /// their own (exec).
    public var timeout: Duration?
    public var runner: any StepRunner

    public init(
        name: String, kind: String, enabled: Bool = true, retry: RetryPolicy? = nil, timeout: Duration? = nil,
        runner: any StepRunner
    ) {
        self.name = name
        self.kind = kind
        self.enabled = enabled
        self.retry = retry
        self.timeout = timeout
        self.runner = runner
    }
}

/// The loop: steps in order, the first failure stops the run, every step reported as it
/// starts and ends. A dry-run calls each step's read-only preview instead.
public enum PlanExecutor {
    /// Opens the session's connection on another thread when the first step to run is sure to
    /// connect; the CLI calls it as early as it can, `run` again in case it did not.
    public static func startConnectingIfTheFirstStepConnects(_ steps: [ExecutableStep], session: DatabaseSession) {
        if let first = steps.first(where: \.enabled), first.runner.connectsToTheDatabase { session.startConnecting() }
    }

    public static func run(
        plan: String, file: String?, steps: [ExecutableStep], session: DatabaseSession, reporter: Reporter,
        dryRun: Bool, riskGate: RiskGate? = nil, interruption: Interruption = .shared
    ) -> RunSummary {
        let clock = ContinuousClock()
        let runStart = clock.now
        var summary = RunSummary(plan: plan, dryRun: dryRun)
        startConnectingIfTheFirstStepConnects(steps, session: session)
        reporter.emit(
            .runStarted(
                plan: plan, file: file, dryRun: dryRun,
                target: RunTarget(endpoint: session.offline ? nil : session.target.endpoint, source: session.target.source))
        )
        var steps = steps[...]
        if dryRun, steps.contains(where: { $0.enabled && $0.runner.connectsToTheDatabase }) {
            if session.offline {
                reporter.say(nil, .info, "offline (--offline): no database is read, so what depends on its state is not checked")
            } else {
                // Said first, and fatal: a preview that cannot see its database has checked nothing.
                do { _ = try session.connect() } catch {
                    reporter.say(
                        nil, .error,
                        error.message + "; a dry-run that cannot reach its database checks nothing (--offline previews without one)")
                    summary.exitCode = error.exitCode
                    steps = []
                }
            }
        }
        for (offset, step) in steps.enumerated() {
            // Ctrl-C / SIGTERM between steps: start nothing new; the lock is released below.
            if let status = interruption.exitStatus {
                summary.exitCode = status
                break
            }
            let index = offset + 1
            reporter.emit(.stepStarted(index: index, name: step.name, kind: step.kind))
            let stepStart = clock.now
            let context = StepContext(index: index, session: session, reporter: reporter, dryRun: dryRun, interruption: interruption)
            var outcome: StepOutcome
            var failure: StepFailure?
            if !step.enabled {
                reporter.say(index, .info, "skipped: its `if:` condition is false")
                outcome = .skipped
            } else {
                let deadline = StepDeadline(after: step.timeout, session: session)
                do {
                    outcome = try runWithRetry(step, context)
                    deadline.disarm()
                } catch {
                    deadline.disarm()
                    var error = error
                    if deadline.hasPassed, let timeout = step.timeout {
                        error.message = "the step ran longer than its timeout of \(timeout) and was cancelled: \(error.message)"
                    }
                    failure = error
                    outcome = dryRun ? .wouldFail : .failed
                    reporter.say(index, .error, error.message, location: error.location)
                }
            }
            let seconds = Units.seconds(of: clock.now - stepStart)
            reporter.emit(.stepFinished(index: index, name: step.name, kind: step.kind, outcome: outcome, seconds: seconds))
            switch outcome {
            case .done: summary.done += 1
            case .skipped: summary.skipped += 1
            case .failed: summary.failed += 1
            case .wouldRun: summary.wouldRun += 1
            case .wouldFail: summary.wouldFail += 1
            }
            if let failure {
                summary.exitCode = failure.exitCode
                // A dry-run goes on so CI sees every problem at once; a real run stops here.
                if !dryRun || failure.exitCode == ExitStatus.unavailable || interruption.exitStatus != nil { break }
            } else if outcome == .wouldFail, summary.exitCode == 0 {
                summary.exitCode = ExitStatus.failed
            }
        }
        if let status = interruption.exitStatus { summary.exitCode = status }
        if dryRun, summary.exitCode == ExitStatus.success, let verdict = riskGate?.verdict {
            reporter.say(nil, .error, verdict)
            summary.exitCode = ExitStatus.failed
        }
        session.close()
        summary.seconds = Units.seconds(of: clock.now - runStart)
        reporter.emit(.runFinished(summary))
        reporter.finish()
        return summary
    }

    /// Retries only errors that are safe to retry (lock timeout, serialization failure,
    /// deadlock, a connection lost before commit), and only when the step asks for it.
    private static func runWithRetry(_ step: ExecutableStep, _ context: StepContext) throws(StepFailure) -> StepOutcome {
        let attempts = max(1, step.retry?.attempts ?? 1)
        var attempt = 1
        while true {
            do {
                return context.dryRun ? try step.runner.preview(context) : try step.runner.execute(context)
            } catch {
                guard attempt < attempts, let postgres = error.postgres, postgres.isSafeToRetry else { throw error }
                let backoff = step.retry?.backoff ?? .seconds(1)
                context.say(.warning, "attempt \(attempt) of \(attempts) failed (\(postgres.message)); retrying in \(backoff)")
                blockingSleep(for: backoff * attempt)
                attempt += 1
            }
        }
    }
}
