import ArgumentParser

struct ResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve", abstract: "Not implemented yet.")

    func run() async throws {
        throw NotImplemented(command: "resolve")
    }
}
