import Foundation
import Runner
import SQL
import TestSupport
import Testing

/// `plan run --targets` and `plan status --targets` against many databases on the test server.
/// The databases are copies of one template with the first migration applied
/// (`CREATE DATABASE … TEMPLATE`, ~0.1 s each here), dropped at the end.
@Suite("fleets", .serialized)
struct FleetCommandTests {
    static let initSQL = "CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);\n"
    static let notesSQL = "CREATE TABLE notes (id serial PRIMARY KEY, user_id int REFERENCES users (id), body text);\n"

    /// A project, a template database migrated to its first migration, and `count` copies.
    struct Fleet {
        let project: MigrationsFixture
        let names: [String]
        let server = TestDatabase.serverURL
        /// The server's URL without a database: targets files append one to `${{ env.FLEET_SERVER }}`.
        var base: String { String(TestDatabase.url(server, database: "").dropLast()) }
        var environment: [String: String] { ["FLEET_SERVER": base] }

        init(count: Int, function: String = #function) throws {
            project = try MigrationsFixture([
                ("20240101000000_init", FleetCommandTests.initSQL), ("20240102000000_notes", FleetCommandTests.notesSQL),
            ])
            try project.directory.write("release.plan.yaml", "plan: 1\nname: tenant-release\nsteps:\n  - migrate: {}\n")
            let template = try TestDatabase.fresh(function: function)
            defer { template.drop() }
            let migrated = try PlanProcess.run(
                ["migrate", "--to", "20240101000000_init", "--database-url", template.url], directory: project.root)
            #expect(migrated.status == 0, "\(migrated.all)")
            let stem = template.name
            names = (1...count).map { "\(stem)_\($0)" }
            let admin = try PostgresConnection(target: ConnectionTarget(url: TestDatabase.serverURL))
            for name in names {
                try admin.execute(
                    "CREATE DATABASE \(PostgresConnection.quoteIdentifier(name)) TEMPLATE \(PostgresConnection.quoteIdentifier(template.name)) STRATEGY FILE_COPY"
                )
            }
        }

        func url(_ index: Int) -> String { TestDatabase.url(server, database: names[index]) }

        /// A targets file listing the databases in `order` (indices), as tenant-N.
        func writeTargets(_ file: String, order: [Int]? = nil) throws {
            let lines = (order ?? Array(names.indices)).map { index in
                "  - { name: tenant-\(index + 1), url: \"${{ env.FLEET_SERVER }}/\(names[index])\" }"
            }
            try project.directory.write(file, "targets:\n" + lines.joined(separator: "\n") + "\n")
        }

        func appliedMigrations(_ index: Int) throws -> Int {
            let connection = try PostgresConnection(target: ConnectionTarget(url: url(index)))
            let count = try connection.execute("SELECT count(*) FROM _prisma_migrations WHERE finished_at IS NOT NULL").scalar ?? nil
            return count.flatMap { Int($0) } ?? 0
        }

        func run(_ arguments: [String]) throws -> PlanProcess.Output {
            try PlanProcess.run(arguments, environment: environment, directory: project.root)
        }

        func drop() {
            guard let admin = try? PostgresConnection(target: ConnectionTarget(url: server)) else { return }
            for name in names { _ = try? admin.execute("DROP DATABASE IF EXISTS \(PostgresConnection.quoteIdentifier(name)) WITH (FORCE)") }
            project.remove()
        }
    }

    /// 100 databases, one with a table in the way of the second migration: with --parallel 8 the
    /// other 99 are migrated, the one failure is reported with its error and the run exits 1;
    /// once fixed, --resume with the run log runs only that one; then status says all are up to date.
    @Test func aHundredDatabasesOneFailsThenResumeRunsOnlyIt() throws {
        let fleet = try Fleet(count: 100)
        defer { fleet.drop() }
        let failing = 41
        let blocker = try PostgresConnection(target: ConnectionTarget(url: fleet.url(failing)))
        try blocker.execute("CREATE TABLE notes (legacy int)")
        try fleet.writeTargets("targets.yaml")

        let first = try fleet.run(["run", "release.plan.yaml", "--targets", "targets.yaml", "--parallel", "8", "--log", "run.log"])
        #expect(first.status == 1, "\(first.all)")
        let password = Self.password(in: fleet.server)
        #expect(!first.all.contains(password))
        #expect(first.stdout.contains("plan run release.plan.yaml: 100 target(s) from targets.yaml; --parallel 8"), "\(first.stdout)")
        #expect(first.stdout.contains("99 done, 1 failed; 100 target(s) in"), "\(first.stdout)")
        // The table: failures first, with the server's error.
        let table = first.stdout.components(separatedBy: "\ntarget ").last ?? ""
        let rows = table.split(separator: "\n").dropFirst().dropLast()
        let cells = rows.map { $0.split(separator: " ").map(String.init) }
        #expect(cells.first?.prefix(3) == ["tenant-42", "failed", "0"], "\(table)")
        #expect(rows.first?.contains(#"relation "notes" already exists"#) == true, "\(table)")
        #expect(cells.filter { $0[1] == "done" && $0[2] == "1" }.count == 99, "\(table)")
        for index in fleet.names.indices {
            #expect(try fleet.appliedMigrations(index) == (index == failing ? 1 : 2), "database \(index + 1)")
        }
        let log = try String(contentsOfFile: fleet.project.root + "/run.log", encoding: .utf8)
        #expect(log.split(separator: "\n").count == 100)
        #expect(!log.contains(password))

        // The fix, as for a single database: the table out of the way, the failed attempt resolved (P3009).
        try blocker.execute("DROP TABLE notes")
        let resolved = try fleet.run(["resolve", "--rolled-back", "20240102000000_notes", "--database-url", fleet.url(failing)])
        #expect(resolved.status == 0, "\(resolved.all)")
        let resumed = try fleet.run(["run", "release.plan.yaml", "--targets", "targets.yaml", "--resume", "run.log", "--parallel", "8"])
        #expect(resumed.status == 0, "\(resumed.all)")
        #expect(resumed.stdout.contains("resuming run.log: 99 already done, 1 to run"), "\(resumed.stdout)")
        #expect(resumed.stdout.contains("  ✓ tenant-42: done, 1 migration(s) applied"), "\(resumed.stdout)")
        #expect(resumed.stdout.contains("1 done; 1 target(s) in"), "\(resumed.stdout)")
        #expect(try fleet.appliedMigrations(failing) == 2)
        #expect(try String(contentsOfFile: fleet.project.root + "/run.log", encoding: .utf8).split(separator: "\n").count == 101)

        let status = try fleet.run(["status", "--targets", "targets.yaml", "--parallel", "8"])
        #expect(status.status == 0, "\(status.all)")
        #expect(status.stdout.contains("100 of 100 up to date"), "\(status.stdout)")
    }

    /// --canary 1 with the failing target first: it fails, and no other database is touched.
    @Test func aFailedCanaryStopsBeforeAnyOtherTargetIsTouched() throws {
        let fleet = try Fleet(count: 6)
        defer { fleet.drop() }
        let blocker = try PostgresConnection(target: ConnectionTarget(url: fleet.url(3)))
        try blocker.execute("CREATE TABLE notes (legacy int)")
        try fleet.writeTargets("targets.yaml", order: [3, 0, 1, 2, 4, 5])

        let run = try fleet.run(
            ["run", "release.plan.yaml", "--targets", "targets.yaml", "--canary", "1", "--parallel", "8", "--format", "json"])
        #expect(run.status == 1, "\(run.all)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(run.stdout)")
        #expect(lines.first?.contains(#""target":"tenant-4","group":null"#) == true, "\(run.stdout)")
        #expect(lines.first?.contains(#""outcome":"failed""#) == true)
        #expect(
            lines.last?.hasPrefix(
                #"{"event":"fleet_summary","targets":6,"done":0,"failed":1,"invalid":0,"unavailable":0,"interrupted":0,"not_started":5,"stopped":"the canary failed (1 of 1 canary target(s) failed)""#
            ) == true, "\(run.stdout)")
        for index in [0, 1, 2, 4, 5] { #expect(try fleet.appliedMigrations(index) == 1, "database \(index + 1) was touched") }
    }

    /// `--targets-query`: the targets come from a read-only query on a control database, whose URL
    /// is in $PLAN_CONTROL_DATABASE_URL; a query missing a column is refused before any target.
    @Test func targetsComeFromAQueryOnAControlDatabase() throws {
        let fleet = try Fleet(count: 3)
        defer { fleet.drop() }
        let control = try TestDatabase.fresh()
        defer { control.drop() }
        let tenants = fleet.names.indices.map { "('tenant-\($0 + 1)', \(SQLQuoting.literal(fleet.url($0))), \($0 != 1))" }
        try control.connect().execute(
            "CREATE TABLE tenants (slug text, database_url text, active bool); INSERT INTO tenants VALUES "
                + tenants.joined(separator: ", "))
        let environment = ["PLAN_CONTROL_DATABASE_URL": control.url]
        let run = try PlanProcess.run(
            [
                "run", "release.plan.yaml", "--targets-query",
                "SELECT slug AS name, database_url AS url FROM tenants WHERE active ORDER BY slug",
            ], environment: environment, directory: fleet.project.root)
        #expect(run.status == 0, "\(run.all)")
        #expect(run.stdout.contains("2 target(s)"), "\(run.stdout)")
        #expect(!run.all.contains(Self.password(in: fleet.url(0))), "a target's password was printed")
        #expect(try [fleet.appliedMigrations(0), fleet.appliedMigrations(1), fleet.appliedMigrations(2)] == [2, 1, 2])

        let missing = try PlanProcess.run(
            ["run", "release.plan.yaml", "--targets-query", "SELECT slug AS name FROM tenants"], environment: environment,
            directory: fleet.project.root)
        #expect(missing.status == 2, "\(missing.all)")
        #expect(missing.stderr.contains("url"), "\(missing.all)")
        #expect(try fleet.appliedMigrations(1) == 1)
    }

    /// SIGTERM: no new target starts, the running ones get the signal and stop as a single run
    /// does (exit 143, their query ended by the server), and the fleet exits 143.
    @Test func sigtermStopsStartingAndIsPassedToRunningTargets() throws {
        let fleet = try Fleet(count: 4)
        defer { fleet.drop() }
        try fleet.project.directory.write(
            "slow.plan.yaml", "plan: 1\nname: slow\nsteps:\n  - sql: SELECT pg_sleep(60), 'fleet sleep test'\n")
        try fleet.writeTargets("targets.yaml")
        let process = try PlanProcess.start(
            ["run", "slow.plan.yaml", "--targets", "targets.yaml", "--parallel", "2", "--log", "run.log"],
            environment: fleet.environment, directory: fleet.project.root, outputPrefix: fleet.project.root + "/fleet")
        let watcher = try PostgresConnection(target: ConnectionTarget(url: fleet.server))
        let sleeping = "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%fleet sleep test%' AND pid <> pg_backend_pid()"
        try waitUntil { (try? watcher.execute(sleeping).scalar) == "2" }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 143)
        try waitUntil { (try? watcher.execute(sleeping).scalar) == "0" }
        let output = try String(contentsOfFile: fleet.project.root + "/fleet.out", encoding: .utf8)
        #expect(output.contains("0 done, 2 interrupted, 2 not started; 4 target(s) in"), "\(output)")
        #expect(output.contains("stopped: interrupted by SIGTERM"), "\(output)")
        let log = try String(contentsOfFile: fleet.project.root + "/run.log", encoding: .utf8)
        #expect(log.split(separator: "\n").filter { $0.contains(#""outcome":"interrupted","exit_code":143"#) }.count == 2, "\(log)")
    }

    private static func password(in url: String) -> String {
        guard let schemeEnd = url.range(of: "://"), let at = url.range(of: "@") else { return "" }
        return url[schemeEnd.upperBound..<at.lowerBound].split(separator: ":", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
    }
}
