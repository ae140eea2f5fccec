import Foundation
import Runner
import TestSupport
import Testing

/// #22: `index-concurrently` with `replace: { when: recall }` swaps in a rebuilt pgvector index
/// only when its recall reaches the threshold, never leaves the name without a valid index, and
/// a re-run after a SIGKILL anywhere in a swap ends with exactly one valid index of that name.
@Suite("index swap behind a recall gate", .serialized)
struct IndexSwapTests {
    static let name = "items_embedding_idx"

    static func plan(m: Int, efConstruction: Int, efSearch: Int, min: String = "0.9") -> String {
        """
        plan: 1
        name: swap
        steps:
          - index-concurrently:
              name: \(name)
              table: items
              using: hnsw
              columns:
                - { column: embedding, opclass: vector_l2_ops }
              with: { m: \(m), ef_construction: \(efConstruction) }
              replace: { when: recall, min: \(min), k: 10, sample: 30, ef_search: \(efSearch) }
        """
    }

    static func database(m: Int, efConstruction: Int) throws -> TestDatabase {
        let database = try TestDatabase.fresh(extensions: ["vector"])
        try database.createLatentVectorTable("items", rows: 3000, dimensions: 32)
        try database.connect().execute(
            "CREATE INDEX \(name) ON items USING hnsw (embedding vector_l2_ops) WITH (m = \(m), ef_construction = \(efConstruction))")
        return database
    }

    /// Every index on items: name, valid, definition.
    static func indexes(_ database: TestDatabase) throws -> [(name: String, valid: Bool, definition: String)] {
        try database.connect().execute(
            """
            SELECT c.relname, i.indisvalid, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = 'items'::regclass AND c.relname <> 'items_pkey' ORDER BY 1
            """
        ).rows.map { ($0[0] ?? "", $0[1] == "t", $0[2] ?? "") }
    }

    /// Exactly one index besides the primary key: valid, under the step's name, with `with`.
    static func expectOneValidIndex(_ database: TestDatabase, with parameters: String, _ comment: String) throws {
        let found = try indexes(database)
        #expect(found.count == 1, "\(comment): \(found)")
        #expect(found.first?.name == name && found.first?.valid == true, "\(comment): \(found)")
        #expect(found.first?.definition.contains(parameters) == true, "\(comment): \(found)")
    }

    @Test func aSwapToBetterParametersLeavesOneValidIndexUnderTheName() throws {
        let database = try Self.database(m: 2, efConstruction: 4)
        defer { database.drop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("swap.plan.yaml", Self.plan(m: 16, efConstruction: 64, efSearch: 40))

        let preview = try PlanProcess.run(
            ["run", "swap.plan.yaml", "--dry-run", "--database-url", database.url], directory: directory.path)
        #expect(preview.status == 0, "\(preview.all)")
        #expect(preview.stdout.contains("would build the wanted definition beside it as public.items_embedding_idx_plan_new"))
        #expect(preview.stdout.contains(#"ALTER INDEX "public"."items_embedding_idx_plan_new" RENAME TO "items_embedding_idx";"#))
        #expect(preview.stdout.contains(#"DROP INDEX CONCURRENTLY IF EXISTS "public"."items_embedding_idx_plan_old""#))
        try Self.expectOneValidIndex(database, with: "m='2'", "the dry-run changes nothing")

        let run = try PlanProcess.run(["run", "swap.plan.yaml", "--database-url", database.url], directory: directory.path)
        #expect(run.status == 0, "\(run.all)")
        #expect(run.stdout.contains("recall@10 of index items_embedding_idx_plan_new is"), "\(run.all)")
        // The planner prefers the cheaper old index (hnsw's cost grows with m): it was hidden.
        #expect(run.stdout.contains("hidden from each approximate query"), "\(run.all)")
        try Self.expectOneValidIndex(database, with: "m='16', ef_construction='64'", "after the swap")

        let again = try PlanProcess.run(["run", "swap.plan.yaml", "--database-url", database.url], directory: directory.path)
        #expect(again.status == 0 && again.stdout.contains("already exists and is valid"), "\(again.all)")
    }

    @Test func aSwapToWorseParametersIsRefusedAndTheOldIndexKeepsServing() throws {
        let database = try Self.database(m: 16, efConstruction: 64)
        defer { database.drop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("swap.plan.yaml", Self.plan(m: 2, efConstruction: 4, efSearch: 10))

        let run = try PlanProcess.run(["run", "swap.plan.yaml", "--database-url", database.url], directory: directory.path)
        #expect(run.status == 1, "\(run.all)")
        #expect(run.stderr.contains("the recall gate refused the swap: recall@10 of index items_embedding_idx_plan_new is"), "\(run.all)")
        #expect(run.stderr.contains("public.items_embedding_idx is unchanged and still serving"), "\(run.all)")
        try Self.expectOneValidIndex(database, with: "m='16', ef_construction='64'", "after the refusal")
    }

    /// SIGKILL at a uniformly random moment of a swap, then a re-run to completion: exactly one
    /// valid index of that name, with the wanted parameters, nothing temporary left. Each trial
    /// swaps to the other of two definitions. PLAN_SWAP_KILL_TRIALS sets the count (scripts
    /// and docs/RELIABILITY.md run hundreds); the interrupted action of each is counted.
    @Test func sigkillAtRandomPointsOfASwapThenARerunEndsWithOneValidIndex() throws {
        let trials = Int(ProcessInfo.processInfo.environment["PLAN_SWAP_KILL_TRIALS"] ?? "") ?? 4
        let database = try Self.database(m: 4, efConstruction: 16)
        defer { database.drop() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let definitions = [(m: 8, ef: 32, text: "m='8', ef_construction='32'"), (m: 6, ef: 24, text: "m='6', ef_construction='24'")]
        for (index, definition) in definitions.enumerated() {
            try directory.write(
                "swap\(index).plan.yaml", Self.plan(m: definition.m, efConstruction: definition.ef, efSearch: 100, min: "0.5"))
        }
        // How long an uninterrupted swap takes here, to spread the kills over it.
        let clock = Date()
        let reference = try PlanProcess.run(["run", "swap0.plan.yaml", "--database-url", database.url], directory: directory.path)
        #expect(reference.status == 0, "\(reference.all)")
        let duration = Date().timeIntervalSince(clock)

        var random = SystemRandomNumberGenerator()
        var interrupted: [String: Int] = [:]
        for trial in 0..<trials {
            let wanted = definitions[(trial + 1) % 2]
            let file = "swap\((trial + 1) % 2).plan.yaml"
            let prefix = directory.path + "/kill\(trial)"
            let process = try PlanProcess.start(
                ["run", file, "--database-url", database.url], directory: directory.path, outputPrefix: prefix)
            Thread.sleep(forTimeInterval: Double.random(in: 0...(duration * 1.05), using: &random))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let killedOutput = (try? String(contentsOfFile: prefix + ".out", encoding: .utf8)) ?? ""
            // The last action announced ("→ build …", "→ measure …", "→ swap …", "→ drop …").
            let point = killedOutput.split(separator: "\n").last { $0.contains("→ ") && !$0.contains("done") }
            let label = point.map { String($0.trimmingCharacters(in: .whitespaces).prefix(24)) } ?? "before the swap began"
            interrupted[label, default: 0] += 1

            var rerun = try PlanProcess.run(["run", file, "--database-url", database.url], directory: directory.path)
            // The killed runner's session may still hold the migration lock for a moment.
            for _ in 0..<5 where rerun.status == 3 {
                rerun = try PlanProcess.run(["run", file, "--database-url", database.url], directory: directory.path)
            }
            #expect(rerun.status == 0, "trial \(trial): \(rerun.all.suffix(2000))")
            try Self.expectOneValidIndex(database, with: wanted.text, "trial \(trial)")
        }
        print("swap kill trials: \(trials), uninterrupted swap \(String(format: "%.2f", duration)) s; interrupted at: \(interrupted)")
    }
}

/// `replace:` without a recall gate, and the recoveries that give a valid `NAME_plan_old` its
/// name back, on a small btree (no vectors needed: the protocol is the same for every method).
@Suite("index swap: when always, and the name given back")
struct IndexSwapRecoveryTests {
    static let plan = """
        plan: 1
        name: swap
        steps:
          - index-concurrently:
              name: t_idx
              table: t
              columns: [a, b]
              replace: { when: always }
        """

    static func database() throws -> TestDatabase {
        let database = try TestDatabase.fresh()
        try database.connect().execute("CREATE TABLE t (a int, b int); INSERT INTO t SELECT g % 50, g FROM generate_series(1, 500) g")
        return database
    }

    /// Every index on t: name, valid, definition, oid.
    static func indexes(_ database: TestDatabase) throws -> [[String?]] {
        try database.connect().execute(
            """
            SELECT c.relname, i.indisvalid::text, pg_get_indexdef(i.indexrelid), c.oid::text
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 't'::regclass ORDER BY 1
            """
        ).rows
    }

    static func run(_ arguments: [String], _ database: TestDatabase, _ directory: TemporaryDirectory) throws -> PlanProcess.Output {
        try PlanProcess.run(["run", "swap.plan.yaml"] + arguments + ["--database-url", database.url], directory: directory.path)
    }

    @Test func whenAlwaysSwapsOnceTheNewIndexIsValid() throws {
        let database = try Self.database()
        defer { database.drop() }
        try database.connect().execute("CREATE INDEX t_idx ON t (a)")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("swap.plan.yaml", Self.plan)

        let preview = try Self.run(["--dry-run"], database, directory)
        #expect(preview.status == 0, "\(preview.all)")
        for line in [
            "index public.t_idx exists with another definition (", "would build the wanted definition beside it as public.t_idx_plan_new",
            "would check that public.t_idx_plan_new is valid", "would swap the names in one transaction",
            "would drop the replaced index, now public.t_idx_plan_old",
        ] {
            #expect(preview.stdout.contains(line), "\(line)\n\(preview.all)")
        }
        #expect(!preview.stdout.contains("recall"), "no recall gate: \(preview.all)")

        let run = try Self.run([], database, directory)
        #expect(run.status == 0, "\(run.all)")
        let after = try Self.indexes(database)
        #expect(after.count == 1 && after.first?[0] == "t_idx" && after.first?[1] == "true", "\(after)")
        #expect(after.first?[2]?.hasSuffix("USING btree (a, b)") == true, "\(after)")

        let again = try Self.run([], database, directory)
        #expect(again.status == 0 && again.stdout.contains("already exists and is valid"), "\(again.all)")
    }

    /// The step's name has no index, but NAME_plan_old is the one asked for: it gets the name
    /// back (the same index, not a rebuild).
    @Test func aValidPlanOldGetsTheNameBackWhenTheNameHasNoIndex() throws {
        let database = try Self.database()
        defer { database.drop() }
        try database.connect().execute("CREATE INDEX t_idx_plan_old ON t (a, b)")
        let before = try Self.indexes(database)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("swap.plan.yaml", Self.plan)

        let preview = try Self.run(["--dry-run"], database, directory)
        #expect(preview.status == 0, "\(preview.all)")
        #expect(
            preview.stdout.contains("would give public.t_idx_plan_old its name back: public.t_idx has no valid index and it is valid"),
            "\(preview.all)")
        #expect(preview.stdout.contains(#"ALTER INDEX "public"."t_idx_plan_old" RENAME TO "t_idx""#), "\(preview.all)")
        #expect(!preview.stdout.contains("CREATE INDEX"), "nothing is rebuilt: \(preview.all)")

        let run = try Self.run([], database, directory)
        #expect(run.status == 0, "\(run.all)")
        let after = try Self.indexes(database)
        #expect(after.count == 1 && after.first?[0] == "t_idx" && after.first?[1] == "true", "\(after)")
        #expect(after.first?[3] == before.first?[3], "the same index, renamed: \(before) → \(after)")
    }

    /// An INVALID index under the name (a failed build) beside a valid NAME_plan_old: the
    /// INVALID one is dropped and the valid one gets the name back, rather than the reverse.
    @Test func anInvalidIndexUnderTheNameGivesWayToAValidPlanOld() throws {
        let database = try Self.database()
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE INDEX t_idx_plan_old ON t (a, b)")
        // A unique index on duplicates fails after its catalog entry committed: INVALID.
        #expect(throws: PostgresError.self) { try connection.execute("CREATE UNIQUE INDEX CONCURRENTLY t_idx ON t (a)") }
        let before = try Self.indexes(database)
        #expect(before.map { $0[1] } == ["false", "true"], "\(before)")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write("swap.plan.yaml", Self.plan)

        let run = try Self.run([], database, directory)
        #expect(run.status == 0, "\(run.all)")
        #expect(run.stdout.contains("drop public.t_idx, INVALID (left by an earlier failed build)"), "\(run.all)")
        let after = try Self.indexes(database)
        #expect(after.count == 1 && after.first?[0] == "t_idx" && after.first?[1] == "true", "\(after)")
        #expect(after.first?[3] == before.last?[3], "the valid index, renamed: \(before) → \(after)")
    }
}
