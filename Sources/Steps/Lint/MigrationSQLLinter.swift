import FoundationEssentials
public import PlanModel
import SQL

/// `plan check`'s SQL lint: every migration a `migrate` step would see and every `sql` step's
/// SQL, checked without a database — statements that will run outside a transaction (notes),
/// risky index builds and enum uses (warnings), and what the splitter cannot read (errors).
public struct MigrationSQLLinter: PlanLinter {
    /// Which migrations to lint (`--since`, `--database-url`): applied ones cannot change without drift.
    public var scope: MigrationScope

    public init(scope: MigrationScope = MigrationScope()) {
        self.scope = scope
    }

    public func lint(_ plan: Plan) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var seenFolders: Set<String> = []
        for step in plan.steps {
            switch step.action {
            case .migrate(let migrate):
                guard seenFolders.insert(migrate.migrations).inserted else { continue }
                let folder: MigrationFolder
                do { folder = try MigrationFolder.load(migrate.migrations) } catch {
                    diagnostics.append(Diagnostic(code: "migrations-unreadable", message: error.description, location: step.location))
                    continue
                }
                for warning in folder.warnings {
                    diagnostics.append(Diagnostic(severity: .warning, code: "migrations-folder", message: warning, location: step.location))
                }
                let linted = folder.migrations.filter { scope.includes($0.name) }
                let before = diagnostics.count
                defer {
                    let warned = diagnostics[before...].contains { $0.severity != .note }
                    if let note = RiskDiagnostics.scopeNote(
                        linted: linted.count, of: folder.migrations.count, in: migrate.migrations, scope: scope, warned: warned,
                        at: step.location)
                    {
                        diagnostics.insert(note, at: before)
                    }
                }
                for migration in linted {
                    guard let script = migration.script else {
                        diagnostics.append(
                            Diagnostic(
                                code: "missing-migration-script",
                                message: MigrationError.missingScript(name: migration.name, path: migration.scriptPath).description,
                                location: SourceLocation(file: migration.directory, line: 0, column: 0)))
                        continue
                    }
                    diagnostics += SQLLint.check(script, file: migration.scriptPath).map(Self.diagnostic)
                    diagnostics += RiskDiagnostics.of(script, file: migration.scriptPath, acknowledged: migrate.acknowledge)
                }
            case .sql(let sql):
                switch sql.source {
                case .inline(let text, let location):
                    let found =
                        SQLLint.check(text, file: location.file).map(Self.diagnostic)
                        + RiskDiagnostics.of(Array(text.utf8), file: location.file, acknowledged: sql.acknowledge)
                    diagnostics += found.map { finding in
                        var diagnostic = finding
                        diagnostic.location = SourceLocation(
                            file: location.file, line: location.line + finding.location.line - 1,
                            column: finding.location.line == 1 ? location.column + finding.location.column - 1 : finding.location.column)
                        return diagnostic
                    }
                case .file(let path):
                    guard let data = FileManager.default.contents(atPath: path) else {
                        diagnostics.append(Diagnostic(code: "file-unreadable", message: "cannot read \(path)", location: step.location))
                        continue
                    }
                    diagnostics += SQLLint.check(Array(data), file: path).map(Self.diagnostic)
                    diagnostics += RiskDiagnostics.of(Array(data), file: path, acknowledged: sql.acknowledge)
                }
            default:
                continue
            }
        }
        return diagnostics
    }

    static func diagnostic(_ finding: SQLDiagnostic) -> Diagnostic {
        let severity: Diagnostic.Severity
        switch finding.severity {
        case .error: severity = .error
        case .warning: severity = .warning
        case .note: severity = .note
        }
        return Diagnostic(
            severity: severity, code: finding.code, message: finding.message,
            location: SourceLocation(file: finding.file, line: finding.line, column: finding.column))
    }
}
