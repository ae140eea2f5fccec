import ArgumentParser

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Not implemented yet.")

    func run() async throws {
        throw NotImplemented(command: "verify")
    }
}
