import TestSupport
import Testing

@Suite("plan command line")
struct CommandLineTests {
    @Test func helpListsEverySubcommand() throws {
        let output = try PlanProcess.run(["--help"])
        #expect(output.status == 0)
        for command in ["run", "check", "show", "status", "migrate", "resolve", "verify", "schema"] {
            #expect(output.stdout.contains("  \(command) "), "help lacks \(command)")
        }
    }

    @Test func unknownSubcommandIsAUsageError() throws {
        let output = try PlanProcess.run(["deploy"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("Unexpected argument 'deploy'"))
    }
}
