import ArgumentParser

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Not implemented yet.")

    func run() async throws {
        throw NotImplemented(command: "migrate")
    }
}
