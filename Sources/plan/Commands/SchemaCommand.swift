import ArgumentParser
import PlanModel

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema (draft 2020-12) of plan files, for editors and CI.")

    func run() throws {
        print(PlanSchema.json, terminator: "")
    }
}
