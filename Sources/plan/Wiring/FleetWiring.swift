import ArgumentParser
import Fleet
import FoundationEssentials
import Glibc
import PlanModel
import Runner
import Steps

/// `plan run FILE --targets …` and `plan status --targets …`: reads the targets, takes the
/// shard, skips what the resumed log says is done, runs the rest through the pool as the
/// rollout allows, logs each end, prints the table, and turns it into one exit code.
enum FleetWiring {
    /// What every target's child runs, before its own `--set` values.
    struct Job {
        var kind: FleetSummary.Kind
        /// For messages and the Markdown title: `plan run release.plan.yaml`.
        var title: String
        /// The plan file, as the log records it.
        var plan: String
        var arguments: [String]
        /// `plan run` takes a target's `set:` values; `plan status` has no params.
        var passesOverrides: Bool { if case .run = kind { true } else { false } }
    }

    static func run(
        _ job: Job, fleet: FleetOptions, rollout options: RolloutChoice, output: ConnectionChoice, context: ProjectContext,
        extraSecrets: [String] = []
    ) throws -> Never {
        let environment = context.environment
        let (listed, source, targetSecrets) = try targets(fleet, context: context)
        var redactor = RunSecrets.redactor(
            planSecrets: extraSecrets + targetSecrets, target: ConnectionTarget(url: nil), environment: environment,
            workingDirectory: FileManager.default.currentDirectoryPath)
        for target in listed { for secret in ConnectionTarget(url: target.url.revealed).secrets { redactor.add(secret) } }

        var selected = listed
        var notes: [String] = []
        if let shard = fleet.shard.flatMap(Shard.init) {
            selected = shard.slice(selected)
            notes.append("shard \(shard): \(selected.count) of \(listed.count)")
        }
        if let resume = options.resume {
            let done = try completedTargets(in: resume)
            let before = selected.count
            selected.removeAll { done.contains($0.name) }
            notes.append("resuming \(resume): \(before - selected.count) already done, \(selected.count) to run")
        }
        let policy = RolloutPolicy(
            parallel: fleet.parallel, perHost: fleet.perHost, canary: options.canary, maxFailures: options.maxFailures)
        var limits = ["--parallel \(policy.parallel)"]
        if let perHost = policy.perHost { limits.append("--per-host \(perHost)") }
        if policy.canary > 0 { limits.append("--canary \(policy.canary)") }
        if let maxFailures = policy.maxFailures { limits.append("--max-failures \(maxFailures)") }
        let header =
            "\(job.title): \(listed.count) target(s) from \(source)" + (notes.isEmpty ? "" : "; " + notes.joined(separator: "; "))
            + "; " + limits.joined(separator: ", ")
        let text = output.format == .text
        if text { OutputStream.standardOutput.write(TerminalText.sanitized(redactor.redact(header)) + "\n") }

        let logFile = try options.log.map(openLog) ?? options.resume.map(openLog)
        let pool = FleetPool(
            executable: FleetPool.currentExecutable, environment: environment, directory: FileManager.default.currentDirectoryPath)
        var rollout = Rollout(targets: selected, policy: policy)
        var results: [TargetResult?] = Array(repeating: nil, count: selected.count)
        let clock = ContinuousClock.now
        var forwarded: Int32?

        func record(_ index: Int, _ result: TargetResult) {
            results[index] = result
            rollout.finish(index, succeeded: job.kind == .status ? result.status != nil : result.outcome.succeeded)
            if let logFile {
                logFile.write(RunLog.record(result, plan: job.plan, at: RunLog.timestamp()) + "\n")
            }
            switch output.format {
            case .json: OutputStream.standardOutput.write(FleetSummary.event(result, kind: job.kind) + "\n")
            case .text, .github: OutputStream.standardOutput.write(TerminalText.sanitized(progressLine(result, kind: job.kind)) + "\n")
            }
        }

        Interruption.shared.installSignalHandlers()
        Interruption.shared.handling {
            while true {
                if let signal = Interruption.shared.receivedSignal, forwarded == nil {
                    forwarded = signal
                    rollout.stop(.interrupted(signal: Interruption.name(of: signal)))
                    pool.forward(signal)
                }
                for index in rollout.next() {
                    let target = selected[index]
                    let overrides = job.passesOverrides ? target.overrides : [:]
                    let arguments = job.arguments + overrides.keys.sorted().flatMap { ["--set", "\($0)=\(overrides[$0]!)"] }
                    do throws(SpawnError) {
                        try pool.start(index: index, arguments: arguments, url: target.url.revealed)
                    } catch {
                        record(
                            index,
                            TargetResult(
                                target: target.name, group: target.group, host: target.host, outcome: .failed, exitCode: nil,
                                migrationsApplied: 0, seconds: 0, error: "could not start plan for it: \(error.description)"))
                    }
                }
                if rollout.isFinished { break }
                for end in pool.takeEnded(waitingAtMost: .milliseconds(200)) {
                    record(end.index, result(of: end, target: selected[end.index], kind: job.kind, redactor: redactor))
                }
            }
        }

        let elapsed = ContinuousClock.now - clock
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rows = selected.indices.map { index in
            results[index]
                ?? TargetResult(
                    target: selected[index].name, group: selected[index].group, host: selected[index].host, outcome: .notStarted,
                    exitCode: nil, migrationsApplied: 0, seconds: 0, error: nil)
        }
        let exitCode: Int32
        if let forwarded {
            exitCode = forwarded == SIGTERM ? ExitStatus.terminated : ExitStatus.interrupted
        } else if job.kind == .status {
            exitCode = rows.allSatisfy { $0.statusText == "up to date" } ? ExitStatus.success : ExitStatus.failed
        } else {
            exitCode = rows.allSatisfy { $0.outcome.succeeded } ? ExitStatus.success : ExitStatus.failed
        }
        let summary = FleetSummary(kind: job.kind, results: rows, seconds: seconds, stopReason: rollout.stopReason, exitCode: exitCode)
        switch output.format {
        case .json: OutputStream.standardOutput.write(summary.summaryEvent() + "\n")
        case .text, .github: OutputStream.standardOutput.write("\n" + TerminalText.sanitized(summary.text()))
        }
        if let path = output.summary, let file = try? LogFile(path: path) {
            file.write(summary.markdown(title: job.title))
        }
        ProcessExit.now(exitCode)
    }

    // MARK: Targets

    private static func targets(_ fleet: FleetOptions, context: ProjectContext) throws -> ([FleetTarget], String, [String]) {
        if let file = fleet.targetsFile {
            let result = TargetListLoader(environment: context.environment).load(file: file)
            let renderer = DiagnosticRenderer(showsSource: StandardError.isTerminal, sources: result.sources)
            StandardError.write(renderer.render(result.diagnostics))
            guard let specs = result.targets else { throw ExitCode(ExitStatus.invalidInput) }
            return (specs.map(FleetTarget.init), file, result.secrets)
        }
        let query = fleet.targetsQuery ?? ""
        let variable = fleet.controlURLVariable
        guard let url = context.environment[variable], !url.isEmpty else {
            StandardError.write(
                "error: --targets-query runs on the control database whose URL is in \(variable), which is not set; set it, or name another variable with --control-url-env. Nothing was connected to.\n"
            )
            throw ExitCode(ExitStatus.unavailable)
        }
        var target = ConnectionTarget(url: url)
        target.source = variable
        let redactor = RunSecrets.redactor(
            planSecrets: [], target: target, environment: context.environment, workingDirectory: FileManager.default.currentDirectoryPath)
        let rows: QueryResult
        do throws(PostgresError) {
            rows = try PostgresConnection(target: target, readOnly: true, redactor: redactor).query(query)
        } catch {
            StandardError.write("error: --targets-query: \(redactor.redact(error.description))\n")
            throw ExitCode(error.kind == .connection ? ExitStatus.unavailable : ExitStatus.invalidInput)
        }
        do throws(TargetQuery.Problem) {
            let decoded = try TargetQuery.targets(from: rows)
            return (decoded, "--targets-query on \(target.endpoint?.summary ?? variable)", decoded.map(\.url.revealed))
        } catch {
            StandardError.write("error: --targets-query: \(redactor.redact(error.description))\n")
            throw ExitCode(ExitStatus.invalidInput)
        }
    }

    private static func completedTargets(in path: String) throws -> Set<String> {
        guard let data = FileManager.default.contents(atPath: path) else {
            StandardError.write("error: --resume \(path): the run log cannot be read (does it exist?)\n")
            throw ExitCode(ExitStatus.invalidInput)
        }
        do throws(RunLog.MalformedLine) {
            return try RunLog.completedTargets(in: String(decoding: data, as: UTF8.self))
        } catch {
            StandardError.write("error: \(path):\(error.line): not a run-log record (\(error.text)); --resume reads the file --log wrote\n")
            throw ExitCode(ExitStatus.invalidInput)
        }
    }

    private static func openLog(_ path: String) throws -> LogFile {
        do {
            return try LogFile(path: path)
        } catch {
            StandardError.write("error: cannot open the run log \(path): \(error.description)\n")
            throw ExitCode(ExitStatus.invalidInput)
        }
    }

    // MARK: Results

    private static func result(of end: FleetPool.Ended, target: FleetTarget, kind: FleetSummary.Kind, redactor: Redactor) -> TargetResult {
        let exitCode: Int32?
        switch end.termination {
        case .exited(let code): exitCode = code
        case .signalled(let signal): exitCode = 128 + signal
        case .unknown: exitCode = end.report.exitCode
        }
        var outcome = TargetOutcome(exitCode: exitCode)
        // `plan status` exits 1 for pending migrations: that is its answer, not a failure to check.
        if kind == .status, end.report.status != nil, outcome == .failed { outcome = .done }
        var error: String?
        switch kind {
        case .run:
            if outcome == .interrupted, end.report.firstError == nil {
                error = "stopped by \(exitCode == ExitStatus.terminated ? "SIGTERM" : "SIGINT"), as a single run stops"
            } else if !outcome.succeeded {
                error = end.report.firstError ?? "plan exited with \(exitCode.map(String.init) ?? "an unknown status")"
            }
        case .status: if end.report.status == nil { error = end.report.firstError ?? "no status reported" }
        }
        return TargetResult(
            target: target.name, group: target.group, host: target.host, outcome: outcome, exitCode: exitCode,
            migrationsApplied: end.report.migrationsApplied, seconds: end.seconds, error: error.map(redactor.redact),
            status: end.report.status)
    }

    private static func progressLine(_ result: TargetResult, kind: FleetSummary.Kind) -> String {
        let time = "\((result.seconds * 100).rounded() / 100)s"
        switch kind {
        case .status:
            return "  \(result.target): \(result.statusText)" + (result.error.map { " — " + firstLine($0) } ?? "")
        case .run:
            if result.outcome.succeeded {
                if case .run(dryRun: true) = kind { return "  ✓ \(result.target): the preview found nothing that would fail, \(time)" }
                return "  ✓ \(result.target): done, \(result.migrationsApplied) migration(s) applied, \(time)"
            }
            return "  ✗ \(result.target): \(result.outcome.rawValue) (exit \(result.exitCode.map(String.init) ?? "?")), \(time)"
                + (result.error.map { ": " + firstLine($0) } ?? "")
        }
    }

    private static func firstLine(_ text: String) -> String {
        text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? text
    }
}

/// A file opened for appending whole lines (the run log, the Markdown summary): O_APPEND, so
/// each record lands whole at the end even if another writer shares the file.
final class LogFile: Sendable {
    struct OpenError: Error {
        var code: Int32
        var description: String { String(cString: strerror(code)) }
    }

    private let stream: OutputStream

    init(path: String) throws(OpenError) {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OpenError(code: errno) }
        stream = OutputStream(fileDescriptor: descriptor)
    }

    func write(_ text: String) { stream.write(text) }
}
