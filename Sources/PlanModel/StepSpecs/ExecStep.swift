/// `exec`: run a program. An argv list, never a shell unless `shell: true`.
public struct ExecStep: Sendable, Equatable {
    public enum Command: Sendable, Equatable {
        case argv([String])
        /// A command line for `/bin/sh -c`, only with `shell: true`.
        case shell(String)
    }
    public var command: Command
    public var environment: [String: String]
    /// The working directory; relative paths are resolved against the plan file.
    public var workingDirectory: String?
    public init(command: Command, environment: [String: String] = [:], workingDirectory: String? = nil) {
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
    }
}
