import ArgumentParser
import Runner
import SQL

/// `--fail-on-risk`, for the commands whose dry-run reports risks (run, migrate).
struct RiskOptions: ParsableArguments {
    @Option(
        name: .customLong("fail-on-risk"),
        help: ArgumentHelp(
            "With --dry-run: exit 1 when a finding at or above this severity (low, medium, high) is not acknowledged (default: report only).",
            valueName: "severity"),
        transform: { text in
            guard let severity = RiskSeverity(rawValue: text) else {
                throw ValidationError("--fail-on-risk takes low, medium or high, not '\(text)'")
            }
            return severity
        })
    var failOnRisk: Finding.Severity?

    func validate(dryRun: Bool) throws {
        if failOnRisk != nil && !dryRun {
            throw ValidationError("--fail-on-risk gates the dry-run's risk report: it needs --dry-run")
        }
    }
}
