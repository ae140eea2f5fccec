public import Foundation

/// Runs the built `plan` binary as a user would, and captures what it printed.
public struct PlanProcess {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// Both streams, for "never prints X" checks.
        public var all: String { stdout + stderr }
    }

    /// The binary under test: PLAN_BINARY from scripts/test, else the debug build next to the tests.
    public static var binary: String {
        if let path = ProcessInfo.processInfo.environment["PLAN_BINARY"], !path.isEmpty { return path }
        let candidates = [".build/debug/plan", ".build/x86_64-unknown-linux-gnu/debug/plan"]
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        fatalError("plan binary not found: build it first (scripts/test does) or set PLAN_BINARY")
    }

    @discardableResult
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], directory: String? = nil,
        inheritEnvironment: Bool = true, stdin: String? = nil, executable: String? = nil
    ) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? binary).absoluteURL
        process.arguments = arguments
        var env = inheritEnvironment ? ProcessInfo.processInfo.environment : [:]
        env.removeValue(forKey: "DATABASE_URL")
        // Tests run in GitHub Actions too: their plans must not write the job's step summary.
        env.removeValue(forKey: "GITHUB_STEP_SUMMARY")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty child never blocks on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}

extension PlanProcess {
    /// Starts `plan` without waiting, for tests that signal or race it. Output goes to files in
    /// `outputDirectory` (stdout.txt, stderr.txt) so a killed child cannot block on a pipe.
    public static func start(
        _ arguments: [String], environment: [String: String] = [:], directory: String? = nil, outputPrefix: String
    ) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary).absoluteURL
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "DATABASE_URL")
        env.removeValue(forKey: "GITHUB_STEP_SUMMARY")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        _ = FileManager.default.createFile(atPath: outputPrefix + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: outputPrefix + ".err", contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: outputPrefix + ".out")
        process.standardError = FileHandle(forWritingAtPath: outputPrefix + ".err")
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }
}
