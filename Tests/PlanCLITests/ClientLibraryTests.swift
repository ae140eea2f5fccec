import Foundation
import TestSupport
import Testing

/// plan runs on the system's libpq, whatever its version, and says which one it loaded.
@Suite("the client library")
struct ClientLibraryTests {
    @Test func versionNamesTheSystemsLibpq() throws {
        let result = try PlanProcess.run(["--version"])
        #expect(result.status == 0, "\(result.all)")
        #expect(result.stdout.contains("libpq \(try Self.installedLibpqVersion())"), "\(result.all)")
    }

    /// What pkg-config says of the libpq-dev the build linked against, e.g. "15.18".
    static func installedLibpqVersion() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pkg-config")
        process.arguments = ["--modversion", "libpq"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
