import Foundation
import TestSupport
import Testing

/// Issue 19, item 4: an `exec` step could spin forever. Started with SIGCHLD ignored (a parent's
/// `trap '' CHLD` survives exec), plan never saw its child end: a `timeout: 1s` step spun at
/// 100 % CPU and ignored SIGTERM; and a child that closed its stdout and stderr made the output
/// loop spin for as long as it ran.
@Suite("security: exec supervision")
struct SecurityProcessTests {
    @Test func execStepsEndAndSleepWhateverSignalStatePlanInherits() throws {
        let project = try MigrationsFixture()
        defer { project.remove() }
        try project.directory.write(
            "w.plan.yaml",
            """
            plan: 1
            name: wait
            steps:
              - exec: { run: [/bin/sh, -c, "echo before; exec >&- 2>&-; sleep 2"] }
              - exec: { run: [/bin/sh, -c, "exit 7"] }
            """)
        try project.directory.write(
            "t.plan.yaml", "plan: 1\nname: timeout\nsteps:\n  - timeout: 1s\n    exec: { run: [sleep, '30'] }\n")
        // Python sets SIGCHLD to ignored and execs plan, which inherits that (timeout(1) kills it
        // after 30 s, so the old code fails instead of hanging the suite); then the shell reports
        // the CPU time its children used.
        let ignoring = "import os, signal, sys; signal.signal(signal.SIGCHLD, signal.SIG_IGN); os.execv(sys.argv[1], sys.argv[1:])"
        let script = #"timeout -s KILL 30 python3 -c "$2" "$0" run "$1"; code=$?; times; exit $code"#
        let waited = try PlanProcess.run(
            ["-c", script, PlanProcess.binary, "w.plan.yaml", ignoring], directory: project.root, executable: "/bin/sh")
        #expect(waited.status == 1, "\(waited.all)")
        #expect(waited.stdout.contains("before"), "\(waited.all)")
        #expect(waited.all.contains("finished (exit status 0)"), "\(waited.all)")
        #expect(waited.all.contains("exited with status 7"), "\(waited.all)")
        // Two seconds of a child with its output closed cost plan almost no CPU time.
        let cpu = Self.childrenCPUSeconds(waited.stdout)
        #expect(cpu != nil && cpu! < 0.5, "plan used \(cpu ?? -1) s of CPU:\n\(waited.all)")

        // The same without SIGCHLD ignored: the closed pipes alone once made the loop spin.
        let plain = try PlanProcess.run(
            ["-c", #"timeout -s KILL 30 "$0" run "$1"; code=$?; times; exit $code"#, PlanProcess.binary, "w.plan.yaml"],
            directory: project.root, executable: "/bin/sh")
        #expect(plain.status == 1, "\(plain.all)")
        let plainCPU = Self.childrenCPUSeconds(plain.stdout)
        #expect(plainCPU != nil && plainCPU! < 0.5, "plan used \(plainCPU ?? -1) s of CPU:\n\(plain.all)")

        let stopped = try PlanProcess.run(
            ["-c", script, PlanProcess.binary, "t.plan.yaml", ignoring], directory: project.root, executable: "/bin/sh")
        #expect(stopped.status == 1, "\(stopped.all)")
        #expect(stopped.all.contains("did not finish within 1s and was stopped"), "\(stopped.all)")
    }

    /// The user + system seconds of the last line `times` printed (the shell's children).
    static func childrenCPUSeconds(_ output: String) -> Double? {
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("0m") || $0.contains("m0.") }) else { return nil }
        var total = 0.0
        for field in line.split(separator: " ") {
            let parts = field.dropLast().split(separator: "m")
            guard parts.count == 2, let minutes = Double(parts[0]), let seconds = Double(parts[1]) else { return nil }
            total += minutes * 60 + seconds
        }
        return total
    }
}
