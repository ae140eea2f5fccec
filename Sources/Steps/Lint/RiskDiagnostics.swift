import PlanModel
import SQL

/// The static risk rules as `plan check` diagnostics: a finding of medium or high severity is a
/// warning, a low or acknowledged one a note; the rule's name is the diagnostic's code. Errors are
/// left to SQLLint, which reports what the splitter cannot read.
enum RiskDiagnostics {
    /// SQLLint already warns about CREATE INDEX without CONCURRENTLY on the same statement.
    static let coveredBySQLLint: Set<String> = [RiskRule.requireConcurrentIndexCreation.code]

    static func of(_ script: [UInt8], file: String, acknowledged: [String]) -> [Diagnostic] {
        guard let parsed = try? SQLSplitter.script(script, file: file) else { return [] }
        return RiskAnalyzer.analyze(parsed.statements, trailingTrivia: parsed.trailingTrivia).flatMap { risk in
            let location = SourceLocation(file: risk.statement.file, line: risk.statement.line, column: risk.statement.column)
            let unknown = risk.acknowledged.filter { RiskRule.named($0) == nil }.map { code in
                diagnostic(
                    severity: .warning, code: "unknown-acknowledgement",
                    message:
                        "`-- plan: ack \(code)` names no rule"
                        + (Suggestion.closest(to: code, in: RiskRule.all.map(\.code)).map { "; did you mean \($0)?" } ?? "")
                        + " (rules: docs/RISK.md)",
                    location: location)
            }
            return unknown
                + risk.findings.compactMap { finding -> Diagnostic? in
                    guard !coveredBySQLLint.contains(finding.rule.code) else { return nil }
                    let isAcknowledged = (risk.acknowledged + acknowledged).contains(finding.rule.code)
                    var message = finding.message
                    if let safer = finding.rule.safer { message += "; safer: \(safer)" }
                    if isAcknowledged { message += " (acknowledged)" }
                    return diagnostic(
                        severity: isAcknowledged || finding.severity == .low ? .note : .warning, code: finding.rule.code, message: message,
                        location: location)
                }
        }
    }

    /// Says what was linted: how many the scope kept; unscoped, when the migrations drew
    /// warnings, that applied ones were linted too (and how to lint only new ones).
    static func scopeNote(
        linted: Int, of total: Int, in folder: String, scope: MigrationScope, warned: Bool, at location: SourceLocation
    ) -> Diagnostic? {
        guard scope.isScoped || warned else { return nil }
        let message =
            scope.isScoped
            ? "linted \(linted) of \(total) migration(s) in \(folder): those \(scope.summary)"
            : "linted all \(total) migration(s) in \(folder), applied ones included; `--since <git ref>` or `--database-url` lints only new or pending ones"
        return diagnostic(severity: .note, code: "lint-scope", message: message, location: location)
    }

    /// The one place these diagnostics are made.
    private static func diagnostic(severity: Diagnostic.Severity, code: String, message: String, location: SourceLocation) -> Diagnostic {
        Diagnostic(severity: severity, code: code, message: message, location: location)
    }
}
