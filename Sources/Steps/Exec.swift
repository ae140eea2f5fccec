import FoundationEssentials
import Glibc
public import PlanModel
public import Runner

/// `exec`: run a program, e.g. `npx prisma generate`. An argv list runs the program directly,
/// with no shell to re-interpret quotes, globs or `$`; `/bin/sh -c` only for `shell:`.
///
/// Output is streamed line by line as `.message` events while the program runs, so text, JSON
/// and the Markdown summary all carry it and the reporter's redactor sees every line: stdout
/// lines are `info`, stderr lines `warning` (JSON consumers can tell the streams apart by level;
/// many tools print progress on stderr, so a warning from exec is not by itself a failure).
/// A `timeout` stops the program's whole process group with SIGTERM, then SIGKILL after
/// `terminationGrace`.
public struct ExecRunner: StepRunner {
    /// A plan may run this before its database is up.
    public var connectsToTheDatabase: Bool { false }

    public let step: ExecStep
    /// The step's `timeout:`; nil waits as long as the program runs.
    public let timeout: Duration?
    /// How long a program may take to exit after SIGTERM before it is killed.
    public let terminationGrace: Duration
    /// Folders this run has read: the program may change files, so they are read again after it.
    let folders: MigrationFolderCache
    /// The environment the program starts with (the run's, read once), plus the step's own.
    let environment: [String: String]

    public init(
        _ step: ExecStep, timeout: Duration? = nil, terminationGrace: Duration = .seconds(5), environment: [String: String],
        folders: MigrationFolderCache = MigrationFolderCache()
    ) {
        self.step = step
        self.environment = environment
        self.timeout = timeout
        self.terminationGrace = terminationGrace
        self.folders = folders
    }

    /// The program to start, as resolved when planning.
    public struct Work: Sendable {
        fileprivate var launch: Launch
    }

    /// What would run; a program's effects cannot be previewed, so later steps are told it may
    /// change anything.
    public func plan(_ context: StepContext) throws(StepFailure) -> StepPlan<Work> {
        var plan = StepPlan<Work>(changes: [.everything])
        let launch: Launch
        do throws(StepFailure) { launch = try resolve() } catch {
            plan.fail(error)
            return plan
        }
        if launch.missingProgram != nil {
            plan.fail(StepFailure(missingProgramMessage(launch)))
            return plan
        }
        var details: [String] = []
        if let directory = step.workingDirectory { details.append("in \(directory)") }
        if !step.environment.isEmpty {
            details.append("with " + step.environment.keys.sorted().joined(separator: ", ") + " set (values not shown)")
        }
        if let timeout { details.append("stopped after \(Units.format(timeout))") }
        plan.act("run `\(launch.displayed)`" + (details.isEmpty ? "" : " (" + details.joined(separator: ", ") + ")"), Work(launch: launch))
        return plan
    }

    public func perform(_ work: Work, _ context: StepContext) throws(StepFailure) {
        folders.forget()
        let launch = work.launch
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(
                executable: launch.executable, arguments: [launch.argv0] + launch.arguments, environment: launch.environment,
                directory: launch.directory)
        } catch {
            throw StepFailure("could not start `\(launch.displayed)`: \(error.description)")
        }
        let output = child.output

        // Ctrl-C / SIGTERM reach the program (it runs in its own process group, away from the
        // terminal's), which gets the same grace as on a timeout; then the run stops with 130/143.
        let (termination, timedOut) = context.interruption.handling { supervise(child, output: output, context: context) }
        if let status = context.interruption.exitStatus {
            throw StepFailure(
                "`\(launch.displayed)` was stopped by \(Interruption.name(of: context.interruption.receivedSignal ?? SIGINT)), passed on to it",
                exitCode: status)
        }
        if timedOut {
            throw StepFailure(
                "`\(launch.displayed)` did not finish within \(Units.format(timeout ?? .zero)) and was stopped (SIGTERM, then SIGKILL after \(Units.format(terminationGrace))). "
                    + "Raise the step's `timeout:` if it needs longer, or find out why it hangs (its output is above)")
        }
        switch termination {
        case .exited(0):
            context.say(.info, "`\(launch.displayed)` finished (exit status 0)")
        case .exited(let status):
            throw StepFailure("`\(launch.displayed)` exited with status \(status); its output is above")
        case .signalled(let signal):
            throw StepFailure("`\(launch.displayed)` was killed by signal \(signal); its output is above")
        case .unknown:
            throw StepFailure(
                "`\(launch.displayed)` ended, but its exit status was lost (the system reaped it: SIGCHLD was ignored); its output is above"
            )
        }
    }

    // MARK: - Running

    /// Relays output until the program has exited and its pipes are drained, enforcing the
    /// timeout. Returns how it ended and whether it had to be stopped.
    private func supervise(_ child: ChildProcess, output: OutputLines, context: StepContext) -> (ChildProcess.Termination, Bool) {
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: $0) }
        var terminatedAt: ContinuousClock.Instant?
        var killed = false
        var ended: (termination: ChildProcess.Termination, at: ContinuousClock.Instant)?
        while true {
            // Sleeps until output comes, the child ends, or it is time to check for a signal,
            // the deadline or the end of the grace period.
            let wake = ended == nil ? child.waiter.endedDescriptor : -1
            let batch = output.take(waitingAtMost: .milliseconds(100), wakeDescriptor: wake)
            for line in batch.lines {
                context.say(line.stream == .stdout ? .info : .warning, line.text)
            }
            if ended == nil, let termination = child.poll() { ended = (termination, clock.now) }
            if let ended {
                // Something the program left running in the background may still hold its output
                // open; wait for that only a moment.
                if batch.finished || clock.now - ended.at > .seconds(2) {
                    return (ended.termination, terminatedAt != nil && context.interruption.receivedSignal == nil)
                }
                continue
            }
            if terminatedAt == nil, let signal = context.interruption.receivedSignal {
                child.signalGroup(signal)
                terminatedAt = clock.now
            } else if let deadline, terminatedAt == nil, clock.now >= deadline {
                child.signalGroup(SIGTERM)
                terminatedAt = clock.now
            } else if let terminatedAt, !killed, clock.now - terminatedAt >= terminationGrace {
                child.signalGroup(SIGKILL)
                killed = true
            }
        }
    }

    // MARK: - What to launch

    fileprivate struct Launch: Sendable {
        var executable: String
        /// What the program sees as its name: the word the user wrote.
        var argv0: String
        var arguments: [String]
        var environment: [String: String]
        var directory: String
        /// The argv as the user wrote it, shell-quoted.
        var displayed: String
        /// The program name when it could not be found.
        var missingProgram: String?
        var searchPath: String?
    }

    private func resolve() throws(StepFailure) -> Launch {
        var environment = self.environment
        for (key, value) in step.environment { environment[key] = value }
        let directory = step.workingDirectory ?? FileManager.default.currentDirectoryPath
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory else {
            throw StepFailure("the exec step's working directory \(directory) does not exist or is not a folder; fix its `cwd:`")
        }
        switch step.command {
        case .shell(let line):
            return Launch(
                executable: "/bin/sh", argv0: "sh", arguments: ["-c", line], environment: environment, directory: directory,
                displayed: "/bin/sh -c " + ShellQuoting.quote(line))
        case .argv(let argv):
            guard let program = argv.first, !program.isEmpty else {
                throw StepFailure(
                    "the exec step has an empty command: give the program and its arguments as a list, e.g. [npx, prisma, generate]")
            }
            let found = ProgramLookup.find(program, path: environment["PATH"], directory: directory)
            return Launch(
                executable: found ?? program, argv0: program, arguments: Array(argv.dropFirst()), environment: environment,
                directory: directory,
                displayed: ShellQuoting.line(argv), missingProgram: found == nil ? program : nil, searchPath: environment["PATH"])
        }
    }

    private func missingProgramMessage(_ launch: Launch) -> String {
        let program = launch.missingProgram ?? ""
        if program.contains("/") {
            return
                "program \(program) does not exist or is not executable (relative to \(launch.directory)); check the path in the exec step"
        }
        return
            "program `\(program)` was not found on PATH (\(launch.searchPath ?? "unset")): install it, or give its full path in the exec step"
    }
}
