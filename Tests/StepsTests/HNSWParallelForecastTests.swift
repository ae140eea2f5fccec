import Testing

@testable import Steps

@Suite("index-concurrently preflight: parallel hnsw builds (pure)")
struct HNSWParallelForecastTests {
    static let facts = HNSWParallelForecast.Facts(
        pgvectorBuildsInParallel: true, workers: 2, workersAreTheStepsSetting: false, tableParallelWorkers: nil, temporaryTable: false,
        heapBytes: 512 * 1_048_576, minParallelTableScanBytes: 8 * 1_048_576, budgetKilobytes: 1024 * 1024, sharedMemoryType: "posix",
        minDynamicSharedMemoryBytes: 0, devShm: nil)

    func forecast(_ change: (inout HNSWParallelForecast.Facts) -> Void) -> HNSWParallelForecast {
        var facts = Self.facts
        change(&facts)
        return HNSWParallelForecast(facts: facts)
    }

    @Test func serialForEachOfPostgreSQLsReasons() {
        let reasons: [(String, (inout HNSWParallelForecast.Facts) -> Void)] = [
            ("parallel builds came in 0.6.0", { $0.pgvectorBuildsInParallel = false }),
            ("the server's max_parallel_maintenance_workers is 0", { $0.workers = 0 }),
            ("the table is temporary", { $0.temporaryTable = true }),
            ("the table's parallel_workers storage parameter is 0", { $0.tableParallelWorkers = 0 }),
            ("the table's heap (7 MB) is smaller than min_parallel_table_scan_size (8 MB)", { $0.heapBytes = 7 * 1_048_576 }),
            ("maintenance_work_mem 63 MB is below 64 MB", { $0.budgetKilobytes = 63 * 1024 }),
        ]
        for (reason, change) in reasons {
            let serial = forecast(change)
            #expect(!serial.isParallel)
            #expect(serial.report.notes.first?.contains(reason) == true, "\(serial.report)")
            #expect(serial.report.warnings.isEmpty)
            #expect(serial.graphBudgetKilobytes == serial.facts.budgetKilobytes)
        }
        // A storage parameter overrides the size rule, and caps the workers.
        #expect(
            forecast {
                $0.heapBytes = 0
                $0.tableParallelWorkers = 1
            }.build == .parallel(workers: 1))
    }

    @Test func aSegmentTooBigForDevShmIsAWarningWithTheRetryAndTheWaysOut() {
        let tooSmall = forecast { $0.devShm = SharedMemoryFileSystem(totalBytes: 64 * 1_048_576, availableBytes: 60 * 1_048_576) }
        #expect(tooSmall.segmentBytes == 1021 * 1_048_576)
        #expect(tooSmall.graphBudgetKilobytes == 1020 * 1024)
        #expect(
            tooSmall.report.warnings == [
                "the parallel hnsw build asks for a dynamic shared memory segment of about 1021 MB, and the server's /dev/shm has 60 MB free of 64 MB: the build would fail with \"could not resize shared memory segment … No space left on device\"; plan then retries once without parallel workers (max_parallel_maintenance_workers = 0), a serial build in private memory. Set `parallel_workers: 0` on the step to skip the failing attempt, set `maintenance_work_mem` below 63MB to keep a parallel build, or give the server a larger /dev/shm (Docker: --shm-size)"
            ])
        let unknown = forecast { _ in }
        #expect(unknown.report.warnings.isEmpty)
        #expect(
            unknown.report.notes.first?.hasSuffix(
                "in the server's /dev/shm (dynamic_shared_memory_type = posix), whose size plan cannot read from here (a container's is 64 MB unless raised). If the segment does not fit, the build fails with \"could not resize shared memory segment\" and plan then retries once without parallel workers (max_parallel_maintenance_workers = 0), a serial build in private memory"
            ) == true, "\(unknown.report)")
        #expect(forecast { $0.sharedMemoryType = "mmap" }.report.notes.first?.hasSuffix("disk space, not /dev/shm") == true)
        #expect(forecast { $0.sharedMemoryType = "sysv" }.report.notes.first?.contains("bounded by the kernel's shmmax and shmall") == true)
        #expect(
            forecast { $0.minDynamicSharedMemoryBytes = 2048 * 1_048_576 }.report.notes.first?.contains(
                "min_dynamic_shared_memory = 2048 MB is preallocated in the main shared memory") == true)
    }

    @Test func theSpillWarningSaysWhereTheBuildGoesToDiskAndWhatAvoidsIt() {
        let estimate = HNSWMemoryEstimate(columnType: .vector, dimensions: 1536, rows: 100_000)
        let parallel = forecast {
            $0.budgetKilobytes = 64 * 1024
            $0.devShm = SharedMemoryFileSystem(totalBytes: 64 * 1_048_576, availableBytes: 64 * 1_048_576)
        }
        let text = IndexPreflight.spillWarning(
            estimate, graphBudgetKilobytes: parallel.graphBudgetKilobytes, budget: "the budget", parallel: parallel)
        let inMemory = estimate.rowsThatFit(budgetKilobytes: 60 * 1024)
        #expect(
            text.hasPrefix(
                "hnsw graph of about 100000 rows needs about \(estimate.suggestedMegabytes) MB, more than the budget: pgvector would build the first ~\(inMemory) rows in memory, then say \"hnsw graph no longer fits into maintenance_work_mem\" and insert the other ~\(100_000 - inMemory) (\((100_000 - inMemory) * 100 / 100_000)%) one at a time into the graph on disk"
            ), "\(text)")
        #expect(
            text.hasSuffix(
                "Set `maintenance_work_mem: \(estimate.suggestedMegabytes + 4)MB` on the step to build it in memory; a parallel build then asks the server's /dev/shm for a segment of about \(estimate.suggestedMegabytes + 1) MB, more than its 64 MB free: also set `parallel_workers: 0` to build serially"
            ), "\(text)")
    }

    @Test func onlyThisConnectionsBackendTitleCounts() {
        #expect(SharedMemoryFileSystem.isBackendTitle("postgres: app shop 10.0.0.5(52704) idle ", clientPort: 52704))
        #expect(SharedMemoryFileSystem.isBackendTitle("postgres: main: app shop [local] SELECT ", clientPort: nil))
        #expect(!SharedMemoryFileSystem.isBackendTitle("postgres: app shop 10.0.0.5(52705) idle ", clientPort: 52704))
        #expect(!SharedMemoryFileSystem.isBackendTitle("/usr/bin/python3 serve.py ", clientPort: 52704))
    }
}
