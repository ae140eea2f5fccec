import ArgumentParser
import Testing

@testable import plan

/// `plan run`'s direct reading of its common argument shapes must mean exactly what
/// argument-parser makes of the same arguments, and hand everything else to it.
@Suite("plan run's common argument shapes")
struct RunCommandCommonShapeTests {
    static let readDirectly: [[String]] = [
        ["release.plan.yaml"],
        ["plans/release.plan.yaml", "--dry-run"],
        ["--dry-run", "release.plan.yaml"],
        ["release.plan.yaml", "--env", "production", "--set", "lists=50", "--set", "table=Invoice"],
        ["release.plan.yaml", "--env=staging", "--set=lists=100", "--set", "lists=200"],
        ["release.plan.yaml", "--database-url", "postgresql://u@h:5432/d?sslmode=require", "--lock-timeout", "2m"],
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
        ["release.plan.yaml", "--set", "lists"],
        ["release.plan.yaml", "--set", "=50"],
        ["release.plan.yaml", "--transaction", "all"],
        ["release.plan.yaml", "--databaseurl", "x"],
        ["--dry-run"],
    ]

    @Test(arguments: readDirectly)
    func commonShapesAreReadAsArgumentParserReadsThem(_ arguments: [String]) throws {
        let direct = try #require(RunInvocation.parsingCommonShape(arguments[...]), "not read directly: \(arguments)")
        let parsed = try RunCommand.parse(arguments).invocation
        #expect(direct == parsed, "\(arguments)")
    }

    @Test(arguments: leftToArgumentParser)
    func everythingElseIsLeftToArgumentParser(_ arguments: [String]) {
        #expect(RunInvocation.parsingCommonShape(arguments[...]) == nil, "\(arguments)")
    }
}
