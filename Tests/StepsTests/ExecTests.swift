import Foundation
import PlanModel
import Runner
import Steps
import TestSupport
import Testing

/// Runs an exec step through the engine (no database: exec never connects).
func runExec(_ step: ExecStep, timeout: Duration? = nil, grace: Duration = .seconds(5), dryRun: Bool = false) -> (
    RunSummary, CollectingSink
) {
    let harness = StepHarness(url: nil, readOnly: dryRun)
    let summary = harness.run(
        ExecRunner(step, timeout: timeout, terminationGrace: grace, environment: ProcessEnvironment.variables()), kind: "exec")
    return (summary, harness.sink)
}

@Suite("exec step")
struct ExecTests {
    @Test func runsAnArgvWithoutAShellInTheGivenDirectoryWithAddedEnvironment() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (summary, sink) = runExec(
            ExecStep(
                command: .argv([
                    "sh", "-c", "echo \"$GREETING from $(pwd)\"; echo \"path set: ${PATH:+yes}\"; printf '%s\\n' \"$1\"", "sh",
                    "$HOME; echo injected",
                ]),
                environment: ["GREETING": "hello"], workingDirectory: directory.path))
        #expect(summary.exitCode == 0, "\(sink.transcript)")
        let resolved = URL(fileURLWithPath: directory.path).resolvingSymlinksInPath().path
        #expect(sink.texts.contains("hello from \(resolved)") || sink.texts.contains("hello from \(directory.path)"))
        // The child inherits the environment; `env` only adds to it.
        #expect(sink.texts.contains("path set: yes"))
        // Arguments reach the program as they are: nothing expands `$HOME` or runs `echo injected`.
        #expect(sink.texts.contains("$HOME; echo injected"))
        #expect(!sink.texts.contains("injected"))
    }

    @Test func stdoutIsInfoAndStderrIsWarningLineByLine() throws {
        let (summary, sink) = runExec(ExecStep(command: .shell("echo one; echo two >&2; printf 'three\\r\\nno newline at end'")))
        #expect(summary.exitCode == 0)
        let levels = Dictionary(uniqueKeysWithValues: sink.messages.map { ($0.text, $0.level) })
        #expect(levels["one"] == .info)
        #expect(levels["two"] == .warning)
        #expect(levels["three"] == .info)
        #expect(levels["no newline at end"] == .info)
    }

    @Test func outputIsStreamedWhileTheProgramRuns() throws {
        let sink = TimedSink()
        let reporter = Reporter(sinks: [sink])
        let session = DatabaseSession(target: ConnectionTarget(url: nil), readOnly: false, lockTimeout: .seconds(1), reporter: reporter)
        let runner = ExecRunner(ExecStep(command: .shell("echo first; sleep 1; echo second")), environment: ProcessEnvironment.variables())
        _ = try PlanExecutor.planAndAct(runner, StepContext(index: 1, session: session, reporter: reporter, dryRun: false))
        let first = try #require(sink.arrivals.first { $0.text == "first" })
        let second = try #require(sink.arrivals.first { $0.text == "second" })
        // Delivered as printed, not all at once when the program ends.
        #expect(second.at - first.at > .milliseconds(700))
    }

    @Test func aNonZeroExitFailsTheStepNamingTheStatus() throws {
        let (summary, sink) = runExec(ExecStep(command: .argv(["sh", "-c", "echo about to fail; exit 3"])))
        #expect(summary.exitCode == 1)
        #expect(summary.failed == 1)
        #expect(sink.texts.contains("about to fail"))
        #expect(sink.messages(.error).last?.text == "`sh -c 'echo about to fail; exit 3'` exited with status 3; its output is above")
    }

    @Test func aMissingProgramIsNamedBeforeAnythingRuns() throws {
        let (summary, sink) = runExec(
            ExecStep(command: .argv(["prisma-but-not-installed", "generate"]), environment: ["PATH": "/usr/bin:/bin"]))
        #expect(summary.exitCode == 1)
        #expect(
            sink.messages(.error).last?.text
                == "program `prisma-but-not-installed` was not found on PATH (/usr/bin:/bin): install it, or give its full path in the exec step"
        )
        let (_, relative) = runExec(ExecStep(command: .argv(["./bin/missing"])))
        #expect(relative.messages(.error).last?.text.hasPrefix("program ./bin/missing does not exist or is not executable") == true)
        let (_, nowhere) = runExec(ExecStep(command: .argv(["true"]), workingDirectory: "/no/such/folder"))
        #expect(nowhere.messages(.error).last?.text.contains("working directory /no/such/folder does not exist") == true)
    }

    @Test func aTimeoutStopsTheProgram() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let (summary, sink) = runExec(ExecStep(command: .argv(["sleep", "30"])), timeout: .milliseconds(300))
        // Well before the 5 s grace: the program got SIGTERM and it worked (a child started from a
        // thread that blocks signals would ignore it and only die to the SIGKILL).
        #expect(clock.now - start < .seconds(3))
        #expect(summary.exitCode == 1)
        #expect(sink.messages(.error).last?.text.hasPrefix("`sleep 30` did not finish within 300ms and was stopped") == true)
    }

    @Test func aProgramIgnoringSIGTERMIsKilledAfterTheGrace() throws {
        let clock = ContinuousClock()
        let start = clock.now
        // An ignored signal stays ignored in the children, so sleep ignores SIGTERM too.
        let (summary, sink) = runExec(
            ExecStep(command: .shell("trap '' TERM; echo ready; sleep 30")), timeout: .milliseconds(300), grace: .seconds(1))
        let elapsed = clock.now - start
        #expect(elapsed >= .milliseconds(1200))
        #expect(elapsed < .seconds(6))
        #expect(summary.exitCode == 1)
        #expect(sink.texts.contains("ready"))
        #expect(
            sink.messages(.error).last?.text.contains("did not finish within 300ms and was stopped (SIGTERM, then SIGKILL after 1s)")
                == true)
    }

    @Test func previewShowsTheCommandAndNeverRunsIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let marker = directory.path + "/ran"
        let (summary, sink) = runExec(
            ExecStep(command: .argv(["touch", marker, "it's here"]), environment: ["TOKEN": "s3cret"], workingDirectory: directory.path),
            timeout: .seconds(90), dryRun: true)
        #expect(summary.exitCode == 0)
        #expect(summary.wouldRun == 1)
        #expect(!FileManager.default.fileExists(atPath: marker))
        #expect(
            sink.actions.map(\.summary) == [
                "run `touch \(marker) 'it'\\''s here'` (in \(directory.path), with TOKEN set (values not shown), stopped after 90s)"
            ])
        #expect(!sink.transcript.contains("s3cret"))
        let (missing, missingSink) = runExec(ExecStep(command: .argv(["no-such-program-here"])), dryRun: true)
        #expect(missing.wouldFail == 1)
        #expect(missingSink.messages(.error).last?.text.contains("was not found on PATH") == true)
    }
}
