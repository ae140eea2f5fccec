import Foundation
import TestSupport
import Testing

/// libpq is opened only by the subcommands that connect; PLAN_LIBPQ chooses which one, else the one
/// installed beside plan (scripts/install), else the system's.
@Suite("the client library")
struct ClientLibraryTests {
    /// plan laid out as scripts/install does: PREFIX/bin/plan and PREFIX/lib/plan/libpq.so.5.
    struct Installation {
        let prefix: TemporaryDirectory
        var executable: String { prefix.path + "/bin/plan" }
        var library: String { prefix.path + "/lib/plan/libpq.so.5" }

        init(library contents: URL) throws {
            prefix = try TemporaryDirectory()
            let files = FileManager.default
            try files.createDirectory(atPath: prefix.path + "/bin", withIntermediateDirectories: true)
            try files.createDirectory(atPath: prefix.path + "/lib/plan", withIntermediateDirectories: true)
            let built = URL(fileURLWithPath: PlanProcess.binary).absoluteURL
            // A hard link where the file system allows it: the debug binary is large.
            do { try files.linkItem(at: built, to: URL(fileURLWithPath: executable)) } catch {
                try files.copyItem(at: built, to: URL(fileURLWithPath: executable))
            }
            try files.copyItem(at: contents, to: URL(fileURLWithPath: library))
        }
    }

    /// The lean libpq scripts/libpq builds (OpenSSL, no Kerberos or LDAP); scripts/test exports it.
    static var leanLibrary: URL {
        guard let path = ProcessInfo.processInfo.environment["PLAN_TEST_LEAN_LIBPQ"], !path.isEmpty else {
            fatalError("PLAN_TEST_LEAN_LIBPQ is not set: run the tests with scripts/test, which builds it with scripts/libpq")
        }
        return URL(fileURLWithPath: path)
    }

    @Test func anInstalledPlanConnectsThroughTheLibpqInstalledBesideIt() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([("1_a", "CREATE TABLE a (id int);\n")])
        defer { project.remove() }
        let installation = try Installation(library: Self.leanLibrary)
        defer { installation.prefix.remove() }
        // The exec step's parent is plan: its memory map names the libpq it loaded.
        try project.directory.write(
            "release.plan.yaml",
            """
            plan: 1
            name: r
            steps:
              - migrate: {}
              - exec:
                  run: [/bin/sh, -c, 'grep -o "/.*libpq.so.5" /proc/$PPID/maps | sort -u > libpq-in-use.txt']
              - verify:
                  checks:
                    - migrations: up-to-date

            """)

        let run = try PlanProcess.run(
            ["run", "release.plan.yaml", "--database-url", database.url], directory: project.root,
            executable: installation.executable)
        #expect(run.status == 0, "\(run.all)")
        let inUse = try String(contentsOfFile: project.root + "/libpq-in-use.txt", encoding: .utf8)
        #expect(inUse == installation.library + "\n", "plan loaded \(inUse)")

        // The installed libpq computes SCRAM's proof itself (scripts/libpq-patches/scram-pbkdf2):
        // the right password got in above, a wrong one must not.
        let wrongPassword = database.url.replacingOccurrences(of: ":\(database.password)@", with: ":not-the-password@")
        #expect(wrongPassword != database.url)
        let refused = try PlanProcess.run(
            ["run", "release.plan.yaml", "--database-url", wrongPassword], directory: project.root,
            executable: installation.executable)
        #expect(refused.status == 3, "\(refused.all)")
        #expect(refused.stderr.contains("password authentication failed"), "\(refused.all)")

        // PLAN_LIBPQ still wins over the installed one.
        let chosen = try PlanProcess.run(
            ["run", "release.plan.yaml", "--database-url", database.url], environment: ["PLAN_LIBPQ": "libpq.so.5"],
            directory: project.root, executable: installation.executable)
        #expect(chosen.status == 0, "\(chosen.all)")
        let system = try String(contentsOfFile: project.root + "/libpq-in-use.txt", encoding: .utf8)
        #expect(!system.contains(installation.prefix.path) && system.hasSuffix("libpq.so.5\n"), "plan loaded \(system)")
    }

    /// The installed libpq computes SCRAM's salted password with its own PBKDF2 loop
    /// (scripts/libpq-patches/scram-pbkdf2): the server's verifier, made by PostgreSQL's own code,
    /// must accept it for a password longer than SHA-256's 64-byte block (the HMAC key is then the
    /// password's hash) and for an iteration count other than the default 4,096.
    @Test func anInstalledLibpqAuthenticatesALongPasswordWithAnyIterationCount() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([("1_a", "CREATE TABLE a (id int);\n")])
        defer { project.remove() }
        try project.directory.write("release.plan.yaml", "plan: 1\nname: r\nsteps:\n  - migrate: {}\n")
        let installation = try Installation(library: Self.leanLibrary)
        defer { installation.prefix.remove() }
        let role = "scram_\(database.name)"
        let password = String(repeating: "pässwörd-", count: 9)  // 99 bytes of UTF-8
        let admin = try database.connect()
        try admin.execute("SET scram_iterations = 10007")
        try admin.execute("CREATE ROLE \(role) LOGIN SUPERUSER PASSWORD '\(password)'")
        defer { _ = try? admin.execute("DROP OWNED BY \(role); DROP ROLE \(role)") }
        let verifier = try admin.execute("SELECT rolpassword FROM pg_authid WHERE rolname = '\(role)'").scalar
        #expect(verifier?.hasPrefix("SCRAM-SHA-256$10007:") == true, "\(verifier ?? "no verifier")")

        func url(_ secret: String) -> String {
            let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
            let encoded = secret.addingPercentEncoding(withAllowedCharacters: unreserved) ?? secret
            return database.url.replacingOccurrences(of: "postgres:\(database.password)@", with: "\(role):\(encoded)@")
        }
        let run = try PlanProcess.run(
            ["run", "release.plan.yaml", "--database-url", url(password)], directory: project.root,
            executable: installation.executable)
        #expect(run.status == 0, "\(run.all)")
        #expect(try admin.execute("SELECT to_regclass('a') IS NOT NULL").scalar == "t")

        let refused = try PlanProcess.run(
            ["run", "release.plan.yaml", "--database-url", url(password + "x")], directory: project.root,
            executable: installation.executable)
        #expect(refused.status == 3, "\(refused.all)")
        #expect(refused.stderr.contains("password authentication failed for user \"\(role)\""), "\(refused.all)")
    }

    @Test func anInstalledLibpqThatCannotBeLoadedIsNamedWithWhatToDo() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([("1_a", "CREATE TABLE a (id int);\n")])
        defer { project.remove() }
        try project.directory.write("release.plan.yaml", "plan: 1\nname: r\nsteps:\n  - migrate: {}\n")
        try project.directory.write("not-a-library", "this is not an ELF file\n")
        let installation = try Installation(library: URL(fileURLWithPath: project.root + "/not-a-library"))
        defer { installation.prefix.remove() }

        let run = try PlanProcess.run(
            ["run", "release.plan.yaml", "--database-url", database.url], directory: project.root,
            executable: installation.executable)
        #expect(run.status == 3, "\(run.all)")
        #expect(run.stderr.contains("could not load PostgreSQL's client library \(installation.library)"), "\(run.all)")
        #expect(run.stderr.contains("or set PLAN_LIBPQ=libpq.so.5 to use the system's"), "\(run.all)")
        #expect(try database.connect().execute("SELECT to_regclass('a') IS NULL").scalar == "t")
    }

    @Test func plansAreCheckedWithoutLoadingLibpqAndAConnectingCommandNamesTheOneItCouldNotLoad() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        let project = try MigrationsFixture([("1_a", "CREATE TABLE a (id int);\n")])
        defer { project.remove() }
        try project.directory.write("release.plan.yaml", "plan: 1\nname: r\nsteps:\n  - migrate: {}\n")
        let missing = "/nonexistent/libpq.so.5"

        let check = try PlanProcess.run(["check", "release.plan.yaml"], environment: ["PLAN_LIBPQ": missing], directory: project.root)
        #expect(check.status == 0, "\(check.all)")

        let run = try PlanProcess.run(
            ["run", "release.plan.yaml", "--database-url", database.url], environment: ["PLAN_LIBPQ": missing],
            directory: project.root)
        #expect(run.status == 3, "\(run.all)")
        #expect(run.stderr.contains("could not load PostgreSQL's client library \(missing)"), "\(run.all)")
        #expect(run.stderr.contains("point PLAN_LIBPQ at a libpq.so.5, or unset it"), "\(run.all)")

        let system = try PlanProcess.run(
            ["run", "release.plan.yaml", "--database-url", database.url], environment: ["PLAN_LIBPQ": ""], directory: project.root)
        #expect(system.status == 0, "\(system.all)")
    }
}
