import Foundation
import Runner
import TestSupport
import Testing

/// SPEC §5 "no injection" and "bad input never crashes", short versions of scripts/reliability's
/// hostile-input suite (docs/RELIABILITY.md): parameter values built to break out of quoting are
/// used as identifiers and literals in every step, and the catalog shows the shape the plan declared.
@Suite("reliability: hostile input")
struct ReliabilityHostileInputTests {
    static let identifiers = [
        #"x"; DROP TABLE keep; --"#, "a'b$$c\\d", "Ünïcødé_テーブル", #""""#, "semi;colon", "$1",
    ]
    static let literals = [
        "it's; DROP TABLE keep; --", "$$; DROP TABLE keep; $$", #"back\slash\' E'\x41'"#, "ünï 日本語 🚀",
        String(repeating: "long'\";", count: 1500), "\\\\';--",
    ]

    static func plan(ident: String, text: String) -> String {
        """
        plan: 1
        name: hostile
        params:
          ident: { type: identifier, default: x }
          text: { type: string, default: x }
        steps:
          - sql: |
              CREATE TABLE ${{ params.ident }} (v text);
              INSERT INTO ${{ params.ident }} VALUES (${{ params.text }});
          - verify:
              - query: SELECT v FROM ${{ params.ident }}
                expect: ${{ params.text }}
              - table: keep
          - generate:
              name: hostile
              sql: SELECT ${{ params.text }} AS v
          - exec:
              run: [/bin/sh, -c, 'printf %s "$1" > exec-out.txt', sh, "${{ params.text }}"]
        """
    }

    @Test(arguments: zip(identifiers, literals))
    func parametersKeepTheShapeOfTheSQL(ident: String, text: String) throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE TABLE keep (id int)")
        let project = try MigrationsFixture()
        defer { project.remove() }
        try project.directory.write("hostile.plan.yaml", Self.plan(ident: ident, text: text))
        let run = try PlanProcess.run(
            ["run", "hostile.plan.yaml", "--database-url", database.url, "--set", "ident=\(ident)", "--set", "text=\(text)"],
            directory: project.root)
        #expect(run.status == 0, "\(run.all.suffix(3000))")
        // The table is named exactly the parameter (PostgreSQL truncates names to 63 bytes), holds
        // exactly the text, and the table the values try to drop is still there.
        var expectedName = ident
        while expectedName.utf8.count > 63 { expectedName.removeLast() }
        #expect(try connection.query("SELECT count(*) FROM pg_class WHERE relname = $1 AND relkind = 'r'", [expectedName]).scalar == "1")
        #expect(try connection.query("SELECT v FROM \(PostgresConnection.quoteIdentifier(expectedName))", []).scalar == text)
        #expect(try connection.execute("SELECT count(*) FROM pg_class WHERE relname = 'keep'").scalar == "1")
        #expect(
            try connection.execute("SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace").scalar
                == "2")
        #expect((try? String(contentsOfFile: project.root + "/exec-out.txt", encoding: .utf8)) == text)
        let generated = try FileManager.default.contentsOfDirectory(atPath: project.migrationsPath).filter { $0.hasSuffix("_hostile") }
        #expect(generated.count == 1)
        if let folder = generated.first {
            let sql = try String(contentsOfFile: project.migrationsPath + "/\(folder)/migration.sql", encoding: .utf8)
            // One statement whose only literal is the text: its quotes doubled, nothing spliced.
            let result = try connection.query(
                sql.trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(in: CharacterSet(charactersIn: ";")), [])
            #expect(result.scalar == text)
        }
    }

    @Test func aNulInAParameterIsAClearErrorNotACrash() throws {
        let project = try MigrationsFixture()
        defer { project.remove() }
        try project.directory.write(
            "nul.plan.yaml",
            "plan: 1\nname: nul\nparams:\n  text: { type: string, default: \"a\\0b\" }\n  ident: { type: identifier, default: \"t\\0\" }\nsteps:\n  - sql: SELECT ${{ params.text }} FROM ${{ params.ident }}\n"
        )
        for command in [["check", "nul.plan.yaml"], ["run", "nul.plan.yaml", "--database-url", "postgresql://u:secret@127.0.0.1:1/x"]] {
            let output = try PlanProcess.run(command, directory: project.root)
            #expect(output.status == 1 || output.status == 2, "\(command): \(output.all)")
            #expect(output.all.lowercased().contains("nul") || output.all.contains("\\0") || output.all.contains("U+0000"), "\(output.all)")
        }
    }

    @Test func selfIncludeAndDevZeroAreErrorsWithLocations() throws {
        let project = try MigrationsFixture()
        defer { project.remove() }
        try project.directory.write("self.plan.yaml", "plan: 1\nname: self\nsteps:\n  - uses: self.plan.yaml\n")
        try project.directory.write("zero.plan.yaml", "plan: 1\nname: zero\nsteps:\n  - uses: /dev/zero\n")
        let selfInclude = try PlanProcess.run(["check", "self.plan.yaml"], directory: project.root)
        #expect(selfInclude.status == 2)
        #expect(selfInclude.all.contains("self.plan.yaml:4:"), "\(selfInclude.all)")
        let zero = try PlanProcess.run(["check", "zero.plan.yaml"], directory: project.root)
        #expect(zero.status == 2)
        #expect(zero.all.contains("zero.plan.yaml:4:"), "\(zero.all)")
    }

    @Test func migrationThatIsDevZeroIsRefused() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture()
        defer { project.remove() }
        try FileManager.default.createDirectory(atPath: project.migrationsPath + "/1_zero", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: project.migrationsPath + "/1_zero/migration.sql", withDestinationPath: "/dev/zero")
        let output = try PlanProcess.run(["migrate", "--database-url", database.url], directory: project.root)
        #expect(output.status == 1 || output.status == 2, "\(output.all.prefix(500))")
        #expect(output.all.contains("1_zero/migration.sql") && output.all.contains("MB"), "\(output.all.prefix(500))")
    }

    @Test func aOneGigabyteSQLFileIsRefusedWithoutReadingIt() throws {
        let project = try MigrationsFixture()
        defer { project.remove() }
        let path = project.root + "/huge.sql"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 1 << 30)  // sparse: no disk used
        try handle.close()
        try project.directory.write("big.plan.yaml", "plan: 1\nname: big\nsteps:\n  - sql:\n      file: huge.sql\n")
        let started = Date()
        let output = try PlanProcess.run(
            ["run", "big.plan.yaml", "--database-url", "postgresql://u:secret@127.0.0.1:1/x"], directory: project.root)
        #expect(output.status == 1 || output.status == 2, "\(output.all.prefix(500))")
        #expect(output.all.contains("huge.sql"), "\(output.all.prefix(500))")
        #expect(Date().timeIntervalSince(started) < 30)
    }

    @Test func twentyThousandMigrationsLoadInBoundedTime() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture()
        defer { project.remove() }
        for index in 0..<20_000 {
            let folder = project.migrationsPath + String(format: "/%06d_m", index)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
            _ = FileManager.default.createFile(atPath: folder + "/migration.sql", contents: Data("SELECT \(index);\n".utf8))
        }
        let started = Date()
        let output = try PlanProcess.run(["status", "--database-url", database.url], directory: project.root)
        #expect(output.status == 1, "\(output.all.prefix(500))")
        #expect(output.all.contains("20000") || output.all.contains("20,000"), "\(output.all.prefix(800))")
        #expect(Date().timeIntervalSince(started) < 60)
    }

    @Test func unreadableFilesAreClearErrors() throws {
        // Root reads anything: as root the check runs as the cluster's unprivileged user.
        let asUser: [String] = getuid() == 0 ? ["runuser", "-u", "plan-pg", "--"] : []
        let project = try MigrationsFixture([("1_a", "SELECT 1;\n")])
        defer { project.remove() }
        try project.directory.write("secret.plan.yaml", "plan: 1\nname: s\nsteps: []\n")
        chmod(project.root + "/secret.plan.yaml", 0)
        chmod(project.root, 0o755)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: asUser.isEmpty ? PlanProcess.binary : "/usr/sbin/runuser")
        process.arguments =
            (asUser.isEmpty ? [] : Array(asUser.dropFirst()) + [URL(fileURLWithPath: PlanProcess.binary).path]) + [
                "check", "secret.plan.yaml",
            ]
        process.currentDirectoryURL = URL(fileURLWithPath: project.root)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2, "\(text)")
        #expect(text.contains("secret.plan.yaml") && text.lowercased().contains("permission"), "\(text)")
    }
}
