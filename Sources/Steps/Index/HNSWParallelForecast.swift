import PlanModel
import Runner

/// Whether pgvector will build an HNSW index in parallel and, if so, whether the dynamic shared
/// memory it needs can be had. A parallel build (pgvector 0.6.0+) keeps the whole graph in one
/// DSM segment of about maintenance_work_mem − 3 MB (`HnswBeginParallel`); with
/// `dynamic_shared_memory_type = posix` that segment is a file in the server's /dev/shm, 64 MB
/// in a Docker container unless raised. A segment that does not fit fails the statement ("could
/// not resize shared memory segment … No space left on device"); it does not fall back to a
/// serial build, so `IndexBuild` retries once with max_parallel_maintenance_workers = 0.
/// Facts and sources: reference notes §2.3–2.4. Pure: the facts are read by `read`.
struct HNSWParallelForecast: Equatable {
    struct Facts: Equatable {
        /// pgvector 0.6.0 or later (earlier versions build HNSW serially).
        var pgvectorBuildsInParallel: Bool
        /// max_parallel_maintenance_workers for the build: the step's `parallel_workers`, else the server's.
        var workers: Int
        var workersAreTheStepsSetting: Bool
        /// The table's `parallel_workers` storage parameter.
        var tableParallelWorkers: Int?
        var temporaryTable: Bool
        var heapBytes: Int64
        var minParallelTableScanBytes: Int64
        var budgetKilobytes: Int64
        var sharedMemoryType: String
        /// PostgreSQL 14+: DSM preallocated in the main shared memory (0 or nil: none).
        var minDynamicSharedMemoryBytes: Int64?
        /// The server's /dev/shm, when plan can read it.
        var devShm: SharedMemoryFileSystem?
    }

    enum Build: Equatable {
        case serial(because: String)
        case parallel(workers: Int)
    }

    let facts: Facts

    /// PostgreSQL's `plan_create_index_workers`, then pgvector's use of its answer.
    var build: Build {
        let workersSetting =
            facts.workersAreTheStepsSetting
            ? "the step's parallel_workers is \(facts.workers)" : "the server's max_parallel_maintenance_workers is \(facts.workers)"
        if !facts.pgvectorBuildsInParallel { return .serial(because: "this pgvector builds hnsw serially; parallel builds came in 0.6.0") }
        if facts.workers <= 0 { return .serial(because: workersSetting) }
        if facts.temporaryTable { return .serial(because: "the table is temporary") }
        if let reloption = facts.tableParallelWorkers {
            if reloption <= 0 { return .serial(because: "the table's parallel_workers storage parameter is 0") }
        } else if facts.heapBytes < facts.minParallelTableScanBytes {
            return .serial(
                because:
                    "the table's heap (\(Self.size(facts.heapBytes))) is smaller than min_parallel_table_scan_size (\(Self.megabytes(facts.minParallelTableScanBytes)) MB)"
            )
        }
        // Each participant needs 32 MB of maintenance_work_mem, the leader included.
        if facts.budgetKilobytes < 64 * 1024 {
            return .serial(
                because: "maintenance_work_mem \(facts.budgetKilobytes / 1024) MB is below 64 MB: PostgreSQL gives each participant 32 MB")
        }
        return .parallel(workers: min(facts.workers, facts.tableParallelWorkers ?? facts.workers))
    }

    var isParallel: Bool { if case .parallel = build { true } else { false } }

    /// The DSM segment a parallel build asks for: maintenance_work_mem − 3 MB.
    var segmentBytes: Int64 { max(0, facts.budgetKilobytes * 1024 - 3 * 1_048_576) }

    /// Memory the graph may use before the build goes on on disk: a parallel build keeps 4 MB of
    /// the segment for itself (3 MB less, then a 1 MB margin).
    var graphBudgetKilobytes: Int64 { isParallel ? max(0, facts.budgetKilobytes - 4 * 1024) : facts.budgetKilobytes }

    /// The retry the step makes, in the words every DSM line ends with.
    static let retry =
        "plan then retries once without parallel workers (max_parallel_maintenance_workers = 0), a serial build in private memory"

    /// What the preflight says: the build's shape, and a warning when /dev/shm is known too small.
    var report: (notes: [String], warnings: [String]) {
        let workers: Int
        switch build {
        case .serial(let reason):
            return (["hnsw build will be serial (\(reason)): the graph is built in private memory, no dynamic shared memory segment"], [])
        case .parallel(let count): workers = count
        }
        let segment = Self.megabytes(segmentBytes)
        var note =
            "hnsw build will likely be parallel, with up to \(workers) worker\(workers == 1 ? "" : "s") (max_parallel_maintenance_workers = \(facts.workers), \(facts.workersAreTheStepsSetting ? "the step's parallel_workers" : "the server's setting")): pgvector keeps the graph in one dynamic shared memory segment of about \(segment) MB (maintenance_work_mem − 3 MB)"
        var warnings: [String] = []
        let preallocated = (facts.minDynamicSharedMemoryBytes ?? 0) > 0
        let preallocatedWords =
            preallocated
            ? "; min_dynamic_shared_memory = \(Self.megabytes(facts.minDynamicSharedMemoryBytes ?? 0)) MB is preallocated in the main shared memory, and a segment that fits in what is free there does not use /dev/shm"
            : ""
        switch facts.sharedMemoryType {
        case "posix":
            if let shm = facts.devShm {
                let free = Self.megabytes(shm.availableBytes)
                let size = "\(free) MB free of \(Self.megabytes(shm.totalBytes)) MB"
                if segmentBytes <= shm.availableBytes {
                    note += ", which fits in the server's /dev/shm (\(size))" + preallocatedWords
                } else {
                    warnings.append(
                        "the parallel hnsw build asks for a dynamic shared memory segment of about \(segment) MB, and the server's /dev/shm has \(size): the build would fail with \"could not resize shared memory segment … No space left on device\"; \(Self.retry). Set `parallel_workers: 0` on the step to skip the failing attempt, set `maintenance_work_mem` below \(free + 3)MB to keep a parallel build, or give the server a larger /dev/shm (Docker: --shm-size)"
                            + preallocatedWords)
                }
            } else {
                note +=
                    " in the server's /dev/shm (dynamic_shared_memory_type = posix), whose size plan cannot read from here (a container's is 64 MB unless raised). If the segment does not fit, the build fails with \"could not resize shared memory segment\" and \(Self.retry)"
                    + preallocatedWords
            }
        case "sysv":
            note +=
                " of System V shared memory (dynamic_shared_memory_type = sysv), bounded by the kernel's shmmax and shmall. If it is refused, \(Self.retry)"
                + preallocatedWords
        case "mmap":
            note += " in files under the data directory (dynamic_shared_memory_type = mmap): disk space, not /dev/shm"
        default:
            note += " (dynamic_shared_memory_type = \(facts.sharedMemoryType)). If it is refused, \(Self.retry)" + preallocatedWords
        }
        return ([note], warnings)
    }

    static func megabytes(_ bytes: Int64) -> Int64 { bytes / 1_048_576 }

    static func size(_ bytes: Int64) -> String { bytes < 1_048_576 ? "\(bytes / 1024) kB" : "\(megabytes(bytes)) MB" }

    /// The server's facts about this build (read-only), and its /dev/shm when plan can see it.
    static func read(
        step: IndexStep, table: IndexCatalog.Table, budgetKilobytes: Int64, pgvector: PgvectorVersion?, connection: PostgresConnection
    ) throws(PostgresError) -> HNSWParallelForecast {
        let row =
            try connection.query(
                """
                SELECT current_setting('max_parallel_maintenance_workers'), current_setting('dynamic_shared_memory_type'),
                       pg_size_bytes(current_setting('min_dynamic_shared_memory', true)),
                       pg_size_bytes(current_setting('min_parallel_table_scan_size')), inet_client_port(),
                       (SELECT o.option_value FROM pg_class c, pg_options_to_table(c.reloptions) o
                        WHERE c.oid = $1::oid AND o.option_name = 'parallel_workers')
                """, [table.oid]
            ).rows.first ?? []
        func value(_ index: Int) -> String? { index < row.count ? row[index] : nil }
        let facts = Facts(
            pgvectorBuildsInParallel: pgvector.map { $0 >= PgvectorVersion(0, 6, 0) } ?? true,
            workers: step.parallelWorkers ?? Int(value(0) ?? "") ?? 2, workersAreTheStepsSetting: step.parallelWorkers != nil,
            tableParallelWorkers: value(5).flatMap { Int($0) }, temporaryTable: table.persistence == "t",
            heapBytes: table.heapBlocks * table.blockSize, minParallelTableScanBytes: Int64(value(3) ?? "") ?? 8 * 1_048_576,
            budgetKilobytes: budgetKilobytes, sharedMemoryType: value(1) ?? "posix",
            minDynamicSharedMemoryBytes: value(2).flatMap { Int64($0) },
            devShm: SharedMemoryFileSystem.ofServer(backendPID: connection.backendPID, clientPort: value(4).flatMap { Int($0) }))
        return HNSWParallelForecast(facts: facts)
    }
}
