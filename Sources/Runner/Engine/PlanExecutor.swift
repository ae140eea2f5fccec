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
/// starts and ends. Each step plans, then a run performs that plan and a dry-run shows it.
public enum PlanExecutor {
    /// Opens the session's connection on another thread when the first step to run is sure to
    /// connect; the CLI calls it as early as it can, `run` again in case it did not.
    public static func startConnectingIfTheFirstStepConnects(_ steps: [ExecutableStep], session: DatabaseSession) {
        if let first = steps.first(where: \.enabled), first.runner.connectsToTheDatabase { session.startConnecting() }
    }

    public static func run(
        plan: String, file: String?, steps: [ExecutableStep], session: DatabaseSession, reporter: Reporter,
        dryRun: Bool, environment: String? = nil, riskGate: RiskGate? = nil, interruption: Interruption = .shared
    ) -> RunSummary {
        let clock = ContinuousClock()
        let runStart = clock.now
        var summary = RunSummary(plan: plan, dryRun: dryRun)
        startConnectingIfTheFirstStepConnects(steps, session: session)
        reporter.emit(
            .runStarted(
                plan: plan, file: file, dryRun: dryRun,
                target: RunTarget(
                    endpoint: session.offline ? nil : session.target.endpoint, source: session.target.source, environment: environment))
        )
        var steps = steps[...]
        var earlierChanges: [EarlierChange] = []
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
            let context = StepContext(
                index: index, session: session, reporter: reporter, dryRun: dryRun, interruption: interruption,
                earlierChanges: earlierChanges)
            var outcome: StepOutcome
            var failure: StepFailure?
            if !step.enabled {
                reporter.say(index, .info, "skipped: its `if:` condition is false")
                outcome = .skipped
            } else {
                let deadline = StepDeadline(after: step.timeout, session: session)
                do {
                    let (result, changes) = try runWithRetry(step, context)
                    outcome = result
                    deadline.disarm()
                    if dryRun, outcome == .wouldRun {
                        earlierChanges += changes.map { EarlierChange(step: index, name: step.name, subject: $0) }
                    }
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
    private static func runWithRetry(_ step: ExecutableStep, _ context: StepContext) throws(StepFailure) -> (
        StepOutcome, changes: [Subject]
    ) {
        let attempts = max(1, step.retry?.attempts ?? 1)
        var attempt = 1
        while true {
            do {
                return try planAndAct(step.runner, context)
            } catch {
                guard attempt < attempts, let postgres = error.postgres, postgres.isSafeToRetry else { throw error }
                let backoff = step.retry?.backoff ?? .seconds(1)
                context.say(.warning, "attempt \(attempt) of \(attempts) failed (\(postgres.message)); retrying in \(backoff)")
                blockingSleep(for: backoff * attempt)
                attempt += 1
            }
        }
    }

    /// One step: its plan, said; then, in a run, performed. The one place that decides what a
    /// plan means for the step's outcome, so a dry-run and a run cannot disagree about it.
    public static func planAndAct<Runner: StepRunner>(_ runner: Runner, _ context: StepContext) throws(StepFailure) -> (
        StepOutcome, changes: [Subject]
    ) {
        let plan = try runner.plan(context)
        for note in plan.notes { context.reporter.emit(.message(index: context.index, note)) }
        var problems: [StepFailure] = []
        var deferred = false
        for problem in plan.problems {
            // A dry-run sees the database before the earlier steps act: a problem they may remove
            // is theirs to decide when the run gets here.
            if context.dryRun, let subject = problem.unlessChanged, let change = context.earlierChange(to: subject) {
                context.say(
                    .info, "◦ \(problem.failure.message) — not a failure yet: \(change.said)", location: problem.failure.location)
                deferred = true
            } else {
                problems.append(problem.failure)
            }
        }
        if context.dryRun, !deferred, let change = plan.reads.lazy.compactMap(context.earlierChange(to:)).first {
            context.say(.info, "decided from the database as it is now, though \(change.said)")
        }
        if let last = problems.last {
            for problem in problems.dropLast() { context.say(.error, problem.message, location: problem.location) }
            if context.dryRun {
                context.say(.error, last.message, location: last.location)
                return (.wouldFail, [])
            }
            throw last
        }
        if let undetermined = plan.undetermined {
            context.say(.info, undetermined)
            return (.wouldRun, plan.changes)
        }
        guard !plan.actions.isEmpty || deferred || plan.failsAfterActions != nil else {
            if let nothing = plan.nothingToDo { context.say(.info, nothing) }
            if plan.isCheck { return (context.dryRun ? .wouldRun : .done, []) }
            return (.skipped, [])
        }
        if context.dryRun {
            for action in plan.actions { context.reporter.emit(.action(index: context.index, action.report, dryRun: true)) }
            context.report(plan.findings)
            if let stop = plan.failsAfterActions {
                context.say(.error, stop.message, location: stop.location)
                return (.wouldFail, [])
            }
            return (.wouldRun, plan.changes)
        }
        try runner.execute(plan, context)
        if let stop = plan.failsAfterActions { throw stop }
        return (.done, plan.changes)
    }
}
