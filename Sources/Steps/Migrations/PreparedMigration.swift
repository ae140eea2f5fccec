import Runner
import SQL

/// A migration split into statements and grouped into the units it runs as.
public struct PreparedMigration: Sendable {
    var migration: LocalMigration
    var checksum: String
    var statements: [SQLStatement]
    var units: [SQLUnit]
    /// What the file's own transaction control makes happen (a bare COMMIT, a BEGIN without
    /// COMMIT, statements before BEGIN), with where: said when it runs and in the dry-run.
    var notes: [SQLSyntaxError] = []
    /// What follows the last statement: a `-- plan: ack` comment on its line acknowledges it.
    var trailingTrivia = ""

    /// All of it can run in one transaction of the runner's, with its history row: atomic. Two
    /// transactions (split by the file's own COMMIT) are not.
    var isTransactional: Bool {
        units.count <= 1 && units.allSatisfy { if case .transaction = $0 { true } else { false } }
    }

    /// Adds a value to an enum type: a migration after it may use the value only once this one
    /// has committed.
    var addsEnumValue: Bool { statements.contains(where: \.addsEnumValue) }

    static func prepare(_ migration: LocalMigration) throws(StepFailure) -> PreparedMigration {
        guard let script = migration.script, let checksum = migration.checksum else {
            throw StepFailure(MigrationError.missingScript(name: migration.name, path: migration.scriptPath).description)
        }
        let parsed: SQLScript
        let segmented: (units: [SQLUnit], notes: [SQLSyntaxError])
        do {
            parsed = try SQLSplitter.script(script, file: migration.scriptPath)
            segmented = try SQLSegmenter.unitsAndNotes(parsed.statements)
        } catch {
            throw StepFailure("\(error.message); nothing was applied", location: "\(error.file):\(error.line):\(error.column)")
        }
        return PreparedMigration(
            migration: migration, checksum: checksum, statements: parsed.statements, units: segmented.units, notes: segmented.notes,
            trailingTrivia: parsed.trailingTrivia)
    }

    static func reason(_ statement: SQLStatement) -> String {
        if case .nonTransactional(let reason) = statement.kind { return reason }
        return "cannot run inside a transaction block"
    }

    /// How each unit runs, for dry-run output.
    func describeUnits() -> [(title: String, sql: String)] {
        units.enumerated().map { offset, unit in
            switch unit {
            case .transaction(let statements):
                let title =
                    units.count == 1
                    ? "in one transaction with its history row (\(statements.count) statement(s))"
                    : "unit \(offset + 1): one transaction (\(statements.count) statement(s), from line \(statements.first?.line ?? 0))"
                return (title, statements.map(\.text).joined(separator: ";\n") + ";")
            case .authorBlock(let statements):
                return (
                    "unit \(offset + 1): the file's own transaction block, run as written (from line \(statements.first?.line ?? 0))",
                    statements.map(\.text).joined(separator: ";\n") + ";"
                )
            case .autocommit(let statement):
                return (
                    "unit \(offset + 1): outside a transaction (autocommit), line \(statement.line): \(Self.reason(statement))",
                    statement.text + ";"
                )
            }
        }
    }
}
