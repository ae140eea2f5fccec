import Foundation
import Runner
import TestSupport
import Testing

@Suite("terminal output and signals")
struct TerminalAndSignalTests {
    /// SIGTERM while an exec step runs reaches the program, and the run exits 143.
    @Test func sigtermIsPassedToARunningProgram() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(
            "exec.plan.yaml",
            """
            plan: 1
            name: exec
            steps:
              - exec:
                  run: [sh, -c, "trap 'echo program got TERM; exit 7' TERM; echo started; sleep 30 & wait"]
            """)
        let process = try PlanProcess.start(["run", "exec.plan.yaml"], directory: directory.path, outputPrefix: directory.path + "/run")
        try waitUntil { ((try? String(contentsOfFile: directory.path + "/run.out", encoding: .utf8)) ?? "").contains("started") }
        let sent = Date()
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 143)
        #expect(Date().timeIntervalSince(sent) < 10)
        let output =
            try String(contentsOfFile: directory.path + "/run.out", encoding: .utf8)
            + String(contentsOfFile: directory.path + "/run.err", encoding: .utf8)
        #expect(output.contains("program got TERM"), "\(output)")
        #expect(output.contains("was stopped by SIGTERM"))
    }

    /// SIGTERM during a step that does not handle interruption itself (a long query) ends the
    /// run at once with 143 — an exit status, not a death by signal — and the server ends the
    /// query when the connection goes.
    @Test func sigtermDuringAQueryExits143AndTheServerStopsTheQuery() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(
            "sleep.plan.yaml",
            "plan: 1\nname: sleep\nsteps:\n  - sql: SELECT pg_sleep(30), 'plan sleep test'\n")
        let process = try PlanProcess.start(
            ["run", "sleep.plan.yaml", "--database-url", database.url], directory: directory.path,
            outputPrefix: directory.path + "/run")
        let watcher = try database.connect()
        let sleeping =
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%plan sleep test%' AND pid <> pg_backend_pid()"
        try waitUntil { (try? watcher.execute(sleeping).scalar) == "1" }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 143)
        try waitUntil { (try? watcher.execute(sleeping).scalar) == "0" }
    }

    /// Colour only on a terminal, and never with NO_COLOR (run under a pseudo-terminal).
    @Test(arguments: [false, true])
    func colourOnlyOnATerminalWithoutNoColor(noColor: Bool) throws {
        let project = try MigrationsFixture([])
        defer { project.remove() }
        try project.directory.write("x.plan.yaml", "plan: 1\nname: colours\nsteps:\n  - exec:\n      run: [\"true\"]\n")
        let command = (noColor ? "NO_COLOR=1 " : "") + "'\(URL(fileURLWithPath: PlanProcess.binary).path)' run x.plan.yaml"
        let terminal = try runInPseudoTerminal(command, directory: project.root)
        #expect(terminal.contains("\u{1B}[") == !noColor, "\(terminal.debugDescription)")
        #expect(terminal.contains("done"))
        let piped = try PlanProcess.run(["run", "x.plan.yaml"], directory: project.root)
        #expect(!piped.all.contains("\u{1B}["), "no colour into a pipe")
    }

    /// The index build draws a live progress bar on a terminal.
    @Test func indexBuildShowsAProgressBarOnATerminal() throws {
        let database = try TestDatabase.fresh(extensions: ["vector"])
        defer { database.drop() }
        try database.createVectorTable("items", rows: 20000, dimensions: 64)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(
            "index.plan.yaml",
            """
            plan: 1
            name: bar
            steps:
              - index-concurrently:
                  name: items_embedding
                  table: items
                  using: hnsw
                  columns: [ { column: embedding, opclass: vector_l2_ops } ]
                  with: { m: 16, ef_construction: 200 }
                  parallel_workers: 0
            """)
        let terminal = try runInPseudoTerminal(
            "'\(URL(fileURLWithPath: PlanProcess.binary).path)' run index.plan.yaml --database-url '\(database.url)'",
            directory: directory.path)
        #expect(terminal.contains("\r\u{1B}[2K    ["), "a redrawn bar line: \(terminal.debugDescription)")
        #expect(terminal.contains("% building index"), "phase shown with its percentage")
        #expect(terminal.contains("built index"))
        #expect(!terminal.contains(database.password))
    }

    /// Runs a shell command under a pseudo-terminal (util-linux `script`) and returns what the
    /// terminal received.
    func runInPseudoTerminal(_ command: String, directory: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qefc", command, "/dev/null"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["TERM"] = "xterm"
        environment.removeValue(forKey: "NO_COLOR")
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
