import FoundationEssentials
import PlanModel
import Runner
import SQL

/// The SQL of a `sql` step, split into statements and grouped into the units it runs as, under
/// the step's `transaction:` policy.
struct PreparedSQL {
    /// What output calls the SQL: the file's path, or `inline SQL at plan.yaml:12:7`.
    var origin: String
    var statements: [SQLStatement]
    var units: [SQLUnit]
    /// What follows the last statement: a `-- plan: ack` comment on its line acknowledges it.
    var trailingTrivia = ""

    /// Largest SQL file read into memory, as for migrations.
    static let maximumFileSize = MigrationFolder.maximumScriptSize

    static func prepare(_ source: SQLStep.Source, policy: TransactionPolicy) throws(StepFailure) -> PreparedSQL {
        let origin: String
        var statements: [SQLStatement]
        var trailingTrivia: String
        do {
            switch source {
            case .file(let path):
                origin = path
                let script = try SQLSplitter.script(try readFile(path), file: path)
                (statements, trailingTrivia) = (script.statements, script.trailingTrivia)
            case .inline(let text, let location):
                origin = "inline SQL at \(location)"
                let script = try SQLSplitter.script(text, file: location.file)
                (statements, trailingTrivia) = (script.statements.map { shifted($0, to: location) }, script.trailingTrivia)
            }
        } catch let error as SQLSyntaxError {
            throw StepFailure("\(error.message); nothing was run", location: "\(error.file):\(error.line):\(error.column)")
        } catch let error as StepFailure {
            throw error
        } catch {
            throw StepFailure("could not read the SQL: \(error)")
        }
        let units = try group(statements, policy: policy)
        return PreparedSQL(origin: origin, statements: statements, units: units, trailingTrivia: trailingTrivia)
    }

    private static func readFile(_ path: String) throws(StepFailure) -> [UInt8] {
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory else {
            throw StepFailure(
                "SQL file \(path) does not exist (relative paths are resolved against the plan file); check the `file:` of the sql step")
        }
        do throws(FileReadError) {
            return try LocalFileSystem().read(path, limit: maximumFileSize)
        } catch .outsideRoot(let real) {
            throw StepFailure(
                "SQL file \(path) leads to \(real), outside the project root: plans read files only inside it; run with --root DIR or --allow-outside-root to read it"
            )
        } catch .tooLarge(let size) {
            throw StepFailure(
                "SQL file \(path) is \(size / 1_048_576) MB; files over \(maximumFileSize / 1_048_576) MB are refused: split it")
        } catch {
            throw StepFailure("SQL file \(path) cannot be read (permission denied?)")
        }
    }

    /// Inline SQL is split as if it were a file of its own; its positions become positions in the
    /// plan file. `location` is where the SQL's first character is, so only the first line also
    /// moves by the column (later lines start at the plan's column 1 after YAML removed the
    /// block's indentation, which plan cannot recover).
    private static func shifted(_ statement: SQLStatement, to location: SourceLocation) -> SQLStatement {
        var moved = statement
        if statement.line == 1 { moved.column += location.column - 1 }
        moved.line += location.line - 1
        return moved
    }

    /// The units under the step's policy: `auto` as a migration's; `required` the whole SQL in
    /// one transaction of the runner's (refused if any statement could not run in one); `none`
    /// each statement sent alone, in autocommit.
    static func group(_ statements: [SQLStatement], policy: TransactionPolicy) throws(StepFailure) -> [SQLUnit] {
        switch policy {
        case .auto:
            do { return try SQLSegmenter.units(statements) } catch {
                throw StepFailure("\(error.message); nothing was run", location: "\(error.file):\(error.line):\(error.column)")
            }
        case .required:
            let refused = statements.filter { !$0.kind.mayRunInTransactionBlock }
            guard refused.isEmpty else {
                let lines = refused.map { statement in
                    "  \(statement.file):\(statement.line):\(statement.column): \(reason(statement))"
                }
                throw StepFailure(
                    "the step says `transaction: required`, but \(refused.count) statement(s) cannot run in the step's transaction:\n"
                        + lines.joined(separator: "\n")
                        + "\nRemove them (BEGIN/COMMIT included: the whole SQL already runs in one transaction), or set `transaction: auto` to run them on their own",
                    location: "\(refused[0].file):\(refused[0].line):\(refused[0].column)")
            }
            return statements.isEmpty ? [] : [.transaction(statements)]
        case .none:
            return statements.map { .autocommit($0) }
        }
    }

    static func reason(_ statement: SQLStatement) -> String {
        switch statement.kind {
        case .nonTransactional(let reason): reason
        case .transactionControl: "transaction control (\(statement.text.prefix(20))) opens or closes a transaction itself"
        case .transactional: "runs in a transaction"
        }
    }

    /// How each unit runs, for dry-run output.
    func describeUnits() -> [(title: String, sql: String)] {
        units.enumerated().map { offset, unit in
            let number = "unit \(offset + 1) of \(units.count)"
            switch unit {
            case .transaction(let statements):
                return (
                    "\(number): one transaction (\(statements.count) statement(s), from line \(statements[0].line))",
                    statements.map(\.text).joined(separator: ";\n") + ";"
                )
            case .authorBlock(let statements):
                return (
                    "\(number): the SQL's own transaction block, run as written (from line \(statements[0].line))",
                    statements.map(\.text).joined(separator: ";\n") + ";"
                )
            case .autocommit(let statement):
                let why = statement.kind == .transactional ? "the step says `transaction: none`" : Self.reason(statement)
                return ("\(number): alone in autocommit, line \(statement.line): \(why)", statement.text + ";")
            }
        }
    }
}
