import Foundation
import Runner
import TestSupport
import Testing

/// #20: an index another session is building is not INVALID-left-over. The dry-run called it
/// "left by an earlier failed build: would drop it", and verify advised dropping it.
@Suite("an index being built elsewhere")
struct IndexBeingBuiltTests {
    @Test func isNeitherDroppedNorReportedAsInvalid() throws {
        let database = try TestDatabase.fresh()
        defer { database.drop() }
        try database.connect().execute("CREATE TABLE items (id int); INSERT INTO items SELECT generate_series(1, 1000)")
        // A transaction holding a snapshot keeps the build waiting ("waiting for old snapshots")
        // with its index already in the catalog, not valid yet, for as long as the test needs.
        let snapshot = try database.connect()
        try snapshot.execute("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM items")
        let url = database.url
        let built = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            _ = try? PostgresConnection(target: ConnectionTarget(url: url)).execute("CREATE INDEX CONCURRENTLY items_id_idx ON items (id)")
            built.signal()
        }
        let observer = try database.connect()
        var phase: String? = nil
        for _ in 0..<600 where phase != "waiting for old snapshots" {
            phase = try observer.execute("SELECT max(phase) FROM pg_stat_progress_create_index").scalar ?? nil
            if phase != "waiting for old snapshots" { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(phase == "waiting for old snapshots")

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try directory.write(
            "release.plan.yaml",
            """
            plan: 1
            name: build
            steps:
              - index-concurrently: { name: items_id_idx, table: items, columns: [id] }
              - verify:
                  checks:
                    - invalid-indexes: none
            """)
        let preview = try PlanProcess.run(["run", "release.plan.yaml", "--dry-run", "--database-url", url], directory: directory.path)
        #expect(preview.status == 1, "\(preview.all)")
        #expect(preview.all.contains("is not valid yet because another session is building it right now"), "\(preview.all)")
        #expect(preview.all.contains("waiting for old snapshots"), "\(preview.all)")
        #expect(!preview.all.contains("would drop it"), "\(preview.all)")
        #expect(
            preview.all.contains("no invalid indexes in schema public (being built right now, not invalid: items_id_idx)"), "\(preview.all)"
        )

        let run = try PlanProcess.run(["run", "release.plan.yaml", "--database-url", url], directory: directory.path)
        #expect(run.status == 1, "\(run.all)")
        #expect(run.all.contains("it is not a leftover, so it is not dropped"), "\(run.all)")

        try snapshot.execute("COMMIT")
        built.wait()
        #expect(try observer.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 'items_id_idx'::regclass").scalar == "t")
        let after = try PlanProcess.run(["run", "release.plan.yaml", "--database-url", url], directory: directory.path)
        #expect(after.status == 0, "\(after.all)")
        #expect(after.all.contains("already exists and is valid"), "\(after.all)")
    }
}
