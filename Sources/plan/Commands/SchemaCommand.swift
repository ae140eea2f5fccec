import ArgumentParser
import PlanModel

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema (draft 2020-12) of plan files, for editors and CI; or, as Markdown, the plan-file reference.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, markdown
    }

    @Option(help: "json (the schema) or markdown (the reference in docs/PLAN-FILE.md, made from it).")
    var format: Format = .json

    func run() throws {
        switch format {
        case .json: print(PlanSchema.json, terminator: "")
        case .markdown: print(PlanReference.markdown, terminator: "")
        }
    }
}
