import ArgumentParser
import Testing

@testable import plan

/// `plan run`'s direct reading of its common argument shapes must mean exactly what
/// argument-parser makes of the same arguments, and hand everything else to it.
@Suite("plan run's common argument shapes")
struct RunCommandCommonShapeTests {
    /// What a parsed `plan run` carries, comparable.
    struct Reading: Equatable, CustomStringConvertible {
        var file: String
        var environment: String?
        var assignments: [String]
        var dryRun: Bool
        var databaseURL: String?
        var lockTimeout: String
        var format: OutputFormat
        var summary: String?

        init(_ command: RunCommand) {
            file = command.file
            environment = command.binding.environment
            assignments = command.binding.assignments
            dryRun = command.dryRun
            databaseURL = command.connection.databaseURL
            lockTimeout = command.connection.lockTimeout
            format = command.connection.format
            summary = command.connection.summary
        }

        var description: String {
            "\(file) env=\(environment ?? "-") set=\(assignments) dry=\(dryRun) url=\(databaseURL ?? "-") "
                + "lock=\(lockTimeout) format=\(format) summary=\(summary ?? "-")"
        }
    }

    static let readDirectly: [[String]] = [
        ["release.plan.yaml"],
        ["plans/release.plan.yaml", "--dry-run"],
        ["--dry-run", "release.plan.yaml"],
        ["release.plan.yaml", "--env", "production", "--set", "lists=50", "--set", "table=Invoice"],
        ["release.plan.yaml", "--env=staging", "--set=lists=100", "--set", "lists=200"],
        ["release.plan.yaml", "--database-url", "postgresql://u:p@h:5432/d?sslmode=require", "--lock-timeout", "2m"],
        ["release.plan.yaml", "--format", "json", "--summary", "/tmp/summary.md"],
        ["release.plan.yaml", "--format=text", "--lock-timeout=500ms", "--database-url=postgresql:///d"],
        ["release.plan.yaml", "--set", "empty="],
    ]

    static let leftToArgumentParser: [[String]] = [
        [],
        ["--help"],
        ["release.plan.yaml", "--help"],
        ["release.plan.yaml", "-h"],
        ["release.plan.yaml", "--"],
        ["--", "release.plan.yaml"],
        ["-"],
        ["a.yaml", "b.yaml"],
        ["release.plan.yaml", "--dry-run", "--dry-run"],
        ["release.plan.yaml", "--dry-run=yes"],
        ["release.plan.yaml", "--env", "a", "--env", "b"],
        ["release.plan.yaml", "--env"],
        ["release.plan.yaml", "--env="],
        ["release.plan.yaml", "--env", ""],
        ["release.plan.yaml", "--env", "--dry-run"],
        ["release.plan.yaml", "--format", "yaml"],
        ["release.plan.yaml", "--lock-timeout", "soon"],
        ["release.plan.yaml", "--transaction", "all"],
        ["release.plan.yaml", "--databaseurl", "x"],
        ["--dry-run"],
    ]

    @Test(arguments: readDirectly)
    func commonShapesAreReadAsArgumentParserReadsThem(_ arguments: [String]) throws {
        let direct = try #require(RunCommand.parsingCommonShape(arguments[...]), "not read directly: \(arguments)")
        let parsed = try RunCommand.parse(arguments)
        #expect(Reading(direct) == Reading(parsed), "\(arguments)")
    }

    @Test(arguments: leftToArgumentParser)
    func everythingElseIsLeftToArgumentParser(_ arguments: [String]) {
        #expect(RunCommand.parsingCommonShape(arguments[...]) == nil, "\(arguments)")
    }
}
