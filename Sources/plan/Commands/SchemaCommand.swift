import ArgumentParser
import PlanModel

struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema (draft 2020-12) of plan files, for editors and CI.")

    func run() async throws {
        print(PlanSchema.json, terminator: "")
    }
}
