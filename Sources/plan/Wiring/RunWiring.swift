import ArgumentParser
import FoundationEssentials
import Glibc
import PlanModel
import Runner
import Steps

/// Builds the session, the reporter and its renderers from command-line options, runs the
/// steps, and turns the outcome into an exit code.
enum RunWiring {
    static func run(
        plan: String, file: String?, steps: [ExecutableStep], options: ConnectionChoice, context: ProjectContext,
        settings: Settings? = nil, dryRun: Bool = false, offline: Bool = false, readOnly: Bool = false,
        extraSecrets: [String] = [], environmentName: String? = nil, failOnRisk: Finding.Severity? = nil
    ) throws -> Never {
        let environment = context.environment
        var target = ConnectionTarget(url: nil)
        target.source = "no database (--offline)"
        if !offline {
            target = try context.connectionTarget(
                commandLine: options.databaseURL, variable: options.databaseURLVariable, plan: settings?.databaseURL?.revealed)
        }
        // The one place the run's redactor learns every secret; the reporter applies it to every sink.
        let redactor = RunSecrets.redactor(
            planSecrets: extraSecrets, target: target, environment: environment,
            workingDirectory: FileManager.default.currentDirectoryPath)

        var sinks: [any EventSink] = []
        switch options.format {
        case .text: sinks.append(TextRenderer(environment: environment))
        case .json: sinks.append(JSONLinesRenderer())
        case .github: sinks += [TextRenderer(environment: environment), GitHubAnnotations()]
        }
        // In GitHub Actions the summary goes to the job's page without being asked for.
        if let summary = options.summary ?? environment["GITHUB_STEP_SUMMARY"].flatMap({ $0.isEmpty ? nil : $0 }) {
            sinks.append(MarkdownSummary(path: summary))
        }
        let riskGate = failOnRisk.map(RiskGate.init)
        if let riskGate { sinks.append(riskGate) }
        let reporter = Reporter(sinks: sinks, redactor: redactor)
        var sessionSettings: [(String, String)] = []
        // lock_timeout is not a session setting: each transactional unit of a migrate or sql step
        // sets its own (SET LOCAL), so statements that run alone (CREATE INDEX CONCURRENTLY) and
        // plan's own bookkeeping are not cancelled by it.
        if let statementTimeout = settings?.statementTimeout {
            sessionSettings.append(("statement_timeout", Units.postgresMilliseconds(statementTimeout)))
        }
        // Prisma skips its advisory lock when this is set to anything but "" or "0".
        let lockDisabled = environment["PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK"].map { !$0.isEmpty && $0 != "0" } ?? false
        let session = DatabaseSession(
            target: target, readOnly: dryRun || readOnly,
            lockTimeout: options.lockWait ?? settings?.lockWait ?? ConnectionOptions.defaultLockWait,
            reporter: reporter, settings: sessionSettings, takesMigrationLock: !lockDisabled,
            createsMissingDatabase: options.createsMissingDatabase && !readOnly, offline: offline)
        // Connecting first, so the login overlaps everything up to the first step's own reading.
        PlanExecutor.startConnectingIfTheFirstStepConnects(steps, session: session)
        // Ctrl-C / SIGTERM cancel a running index build, which cleans up; the executor then
        // stops and releases the lock, and the exit code is 130 / 143.
        Interruption.shared.installSignalHandlers()
        let summary = PlanExecutor.run(
            plan: plan, file: file, steps: steps, session: session, reporter: reporter, dryRun: dryRun, environment: environmentName,
            riskGate: riskGate)
        // Everything is written (renderers write straight to the file descriptors) and the
        // session is closed; libc's exit would now run the teardown of every library libpq
        // loaded (OpenSSL, GnuTLS, Kerberos…), ~2 ms of a nothing-pending run, for nothing.
        ProcessExit.now(summary.exitCode)
    }
}
