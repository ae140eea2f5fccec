import PlanModel
import Runner
import SQL

/// Everything checked before any lock is taken: the table and its columns, pgvector's type,
/// dimension and opclass rules, the IVFFlat memory prediction, the HNSW fit, and an existing
/// index of the same name. Read-only, so a dry-run shows exactly what a run would decide.
struct IndexPreflight {
    /// The IVFFlat prediction against the budget.
    struct IVFFlatVerdict {
        var prediction: IVFFlatMemoryModel.Prediction
        var model: IVFFlatMemoryModel
        var budgetKilobytes: Int64
        var version: String
        var largestListsThatFit: Int?
        var fits: Bool { prediction.fits(budgetKilobytes: budgetKilobytes) }
    }

    var table: IndexCatalog.Table?
    /// Certain failures: the build must not start.
    var problems: [String] = []
    /// Things an earlier step (a pending migration) may still create: the table, a column.
    var missing: [String] = []
    var notes: [String] = []
    var warnings: [String] = []
    var ivfflat: IVFFlatVerdict?
    var existing: IndexCatalog.ExistingIndex?
    var budgetKilobytes: Int64 = 0
    var budgetIsStepSetting = false

    static func inspect(_ step: IndexStep, on connection: PostgresConnection) throws(PostgresError) -> IndexPreflight {
        let catalog = IndexCatalog(connection: connection)
        var report = IndexPreflight()
        if let setting = step.maintenanceWorkMem {
            report.budgetKilobytes = setting.kilobytes
            report.budgetIsStepSetting = true
        } else {
            report.budgetKilobytes = try catalog.maintenanceWorkMemKilobytes()
        }
        if step.keys.isEmpty { report.problems.append("the step lists no columns: give at least one under `columns:`") }

        guard let table = try catalog.table(schema: step.schema, name: step.table) else {
            report.missing.append("table \(step.schema.map { $0 + "." } ?? "")\(step.table) does not exist")
            return report
        }
        report.table = table
        switch table.kind {
        case "r", "m": break
        case "p":
            report.problems.append(
                "\(table.name) is a partitioned table: PostgreSQL cannot build an index on it CONCURRENTLY; build one on each partition, then attach them with CREATE INDEX ON ONLY and ALTER INDEX … ATTACH PARTITION"
            )
        default:
            report.problems.append(
                "\(table.schema).\(table.name) is not a table (relkind '\(table.kind)'): an index needs a table or materialized view")
        }

        let columns = try catalog.columns(of: table)
        for key in step.keys {
            if case .column(let name) = key.target, columns[name] == nil {
                report.missing.append("column \(name) does not exist in \(table.schema).\(table.name)")
            }
        }
        for name in step.include where columns[name] == nil {
            report.missing.append("column \(name) (INCLUDE) does not exist in \(table.schema).\(table.name)")
        }

        if let kind = try catalog.relationKind(schema: table.schema, name: step.name), kind != "i", kind != "I" {
            report.problems.append(
                "\(table.schema).\(step.name) already exists and is not an index (relkind '\(kind)'): pick another index name")
        } else {
            report.existing = try catalog.existingIndex(schema: table.schema, name: step.name)
        }

        if let method = VectorIndexMethod(rawValue: step.method.rawValue), report.missing.isEmpty {
            try report.inspectVector(step, method: method, table: table, columns: columns, catalog: catalog)
        }
        return report
    }

    private mutating func inspectVector(
        _ step: IndexStep, method: VectorIndexMethod, table: IndexCatalog.Table, columns: [String: IndexCatalog.Column],
        catalog: IndexCatalog
    ) throws(PostgresError) {
        guard let pgvector = try catalog.vectorExtension() else {
            problems.append(
                "the vector extension is not installed in this database: \(method.rawValue) comes from pgvector; add `CREATE EXTENSION IF NOT EXISTS vector;` to a migration that runs before this step"
            )
            return
        }
        var versionNote = "pgvector \(pgvector.installed)"
        if let library = pgvector.library, library != pgvector.installed {
            versionNote += " (the server's library is \(library); ALTER EXTENSION vector UPDATE would align them)"
        }
        notes.append(versionNote + " is installed")

        guard step.keys.count == 1, let key = step.keys.first else {
            problems.append("\(method.rawValue) indexes take exactly one column, and the step lists \(step.keys.count)")
            return
        }
        let keyType: IndexKeyType
        switch key.target {
        case .column(let name):
            guard let column = columns[name] else { return }
            keyType = IndexKeyType(column: column)
        case .expression(let expression):
            switch try IndexKeyType.of(expression: expression, table: table, connection: catalog.connection) {
            case .success(let resolved): keyType = resolved
            case .failure(let unresolved):
                let text = "the key expression (\(expression)) does not work on \(table.schema).\(table.name): \(unresolved.error.message)"
                if unresolved.mayBeCreatedEarlier { missing.append(text) } else { problems.append(text) }
                return
            }
        }
        guard let type = VectorColumnType(rawValue: keyType.typeName) else {
            problems.append(
                "\(keyType.label) is \(keyType.formattedType): \(method.rawValue) indexes need a vector, halfvec, bit\(method == .hnsw ? " or sparsevec" : "") key"
            )
            return
        }
        guard let maximum = type.maximumDimensions(for: method) else {
            problems.append(
                "\(keyType.label) is \(keyType.formattedType), and ivfflat has no operator class for sparsevec: use hnsw (sparsevec_l2_ops, sparsevec_ip_ops, sparsevec_cosine_ops, sparsevec_l1_ops)"
            )
            return
        }
        guard keyType.typeModifier > 0 else {
            let remedy =
                keyType.isExpression
                ? "cast it with a size: `expression: \(keyType.cast(to: "\(type.rawValue)(N)"))`, N its dimensions"
                : "alter the column's type in a migration to \(type.rawValue)(N), N its dimensions"
            problems.append(
                "\(keyType.label) does not have dimensions (it is \(keyType.formattedType)): pgvector needs a fixed size (\"column does not have dimensions\"); \(remedy)"
            )
            return
        }
        let dimensions = keyType.typeModifier
        let tooWide = type != .sparsevec && dimensions > maximum
        if tooWide {
            problems.append(
                "\(keyType.label) is \(keyType.formattedType): \(method.rawValue) indexes allow at most \(maximum) dimensions for \(type.rawValue)"
                    + Self.widerKeys(keyType, type: type, dimensions: dimensions))
        }
        let allowed = type.operatorClasses(for: method)
        let opclass = key.opclass ?? type.defaultOperatorClass(for: method)
        if let opclass {
            if !allowed.contains(opclass.lowercased()) {
                problems.append(
                    "operator class \(opclass) does not fit a \(type.rawValue) \(keyType.isExpression ? "expression" : "column") for \(method.rawValue): use one of \(allowed.joined(separator: ", "))"
                )
            } else if method == .ivfflat, opclass.lowercased().hasSuffix("_cosine_ops"), dimensions < 2 {
                problems.append(
                    "\(keyType.label) has 1 dimension, and cosine distance needs at least 2 (pgvector: \"dimensions must be greater than one for this opclass\")"
                )
            }
        } else {
            problems.append(
                "\(method.rawValue) on \(type.rawValue) has no default operator class: name one under `opclass:` (\(allowed.joined(separator: ", ")))"
            )
        }
        if keyType.isExpression, !tooWide {
            notes.append(
                "\(keyType.label) is \(keyType.formattedType) (as the server resolves it): within pgvector's \(method.rawValue) limit for \(type.rawValue) (\(type == .sparsevec ? "\(VectorColumnType.hnswMaximumNonZero) non-zero elements" : "\(maximum) dimensions"))"
            )
        }
        if type == .sparsevec {
            notes.append(
                "sparsevec values may have at most \(VectorColumnType.hnswMaximumNonZero) non-zero elements for hnsw; pgvector checks each row while building"
            )
        }

        // A key pgvector refuses has no build to predict (and evaluating it may fail too).
        guard !tooWide else { return }
        switch method {
        case .ivfflat:
            try predictIVFFlat(step, table: table, key: keyType, type: type, dimensions: dimensions, version: pgvector, catalog: catalog)
        case .hnsw:
            try estimateHNSW(step, table: table, key: keyType, type: type, dimensions: dimensions, version: pgvector, catalog: catalog)
        }
    }

    /// The keys pgvector indexes at this size (its README: half-precision indexing up to 4,000
    /// dimensions, binary quantization up to 64,000).
    static func widerKeys(_ key: IndexKeyType, type: VectorColumnType, dimensions: Int) -> String {
        guard type == .vector || type == .halfvec else { return "" }
        var ways: [String] = []
        if type == .vector, dimensions <= 4_000 {
            ways.append("halfvec allows 4000: index `expression: \(key.cast(to: "halfvec(\(dimensions))"))` with a halfvec_*_ops class")
        }
        if dimensions <= 64_000 {
            let quantized =
                (key.isExpression ? "binary_quantize\(key.written)" : "binary_quantize(\(key.written))") + "::bit(\(dimensions))"
            ways.append("binary quantization allows 64000: `expression: \(quantized)` with bit_hamming_ops, re-ranking by the full vector")
        }
        return ways.isEmpty ? "" : "; " + ways.joined(separator: "; ")
    }

    private mutating func predictIVFFlat(
        _ step: IndexStep, table: IndexCatalog.Table, key: IndexKeyType, type: VectorColumnType, dimensions: Int,
        version: IndexCatalog.VectorExtension, catalog: IndexCatalog
    ) throws(PostgresError) {
        let lists = step.intParameter("lists") ?? 100
        guard IVFFlatMemoryModel.listsRange.contains(lists) else {
            problems.append("lists = \(lists) is out of range: ivfflat accepts 1 to 32768")
            return
        }
        guard let parsed = PgvectorVersion(version.effective) else {
            warnings.append("pgvector version \(version.effective) is not one plan knows: the memory check is skipped")
            return
        }
        var model = IVFFlatMemoryModel(
            formula: IVFFlatMemoryModel.Formula(version: parsed), columnType: type, dimensions: dimensions,
            heapBlocks: table.heapBlocks, rows: 0, blockSize: table.blockSize)
        // The k-means arrays are sized by the rows actually sampled; count them exactly, but
        // never past what pgvector would sample.
        guard let sampled = try rowsReadByBuild(step, table: table, key: key, limit: model.sampleCapacity(lists: lists), catalog: catalog)
        else { return }
        model.rows = sampled
        try checkTrainingData(step, table: table, key: key, lists: lists, catalog: catalog)
        let prediction = model.predict(lists: lists)
        ivfflat = IVFFlatVerdict(
            prediction: prediction, model: model, budgetKilobytes: budgetKilobytes, version: parsed.description,
            largestListsThatFit: model.largestListsThatFit(budgetKilobytes: budgetKilobytes))
    }

    /// Rows the build reads. Counting them evaluates an expression key on each, as the build
    /// will: an expression that fails there (a cast to another size than the data's) is a
    /// problem the build would hit, not a catalog that cannot be read.
    private mutating func rowsReadByBuild(
        _ step: IndexStep, table: IndexCatalog.Table, key: IndexKeyType, limit: Int64, catalog: IndexCatalog
    ) throws(PostgresError) -> Int64? {
        do { return try catalog.rowsReadByBuild(table: table, key: key.sql, predicate: step.predicate, limit: limit) } catch {
            guard key.isExpression, error.kind != .connectionLost else { throw error }
            problems.append(
                "\(key.label) fails on the rows of \(table.schema).\(table.name) (\(error.message)): the build would stop the same way")
            return nil
        }
    }

    /// IVFFlat picks its list centres from the rows present when it is built and never moves
    /// them: built on an empty or small table (pgvector only says NOTICE "ivfflat index created
    /// with little data"), it keeps poor recall until rebuilt. Refused below this many rows per list.
    static let rowsPerList: Int64 = 10

    /// pgvector's advice for `lists` (README "IVFFlat"): rows / 1000 up to 1M rows, sqrt(rows) above.
    static func suggestedLists(rows: Int64) -> Int {
        let suggested = rows <= 1_000_000 ? rows / 1000 : Int64(Double(rows).squareRoot())
        return Int(min(max(suggested, 1), Int64(IVFFlatMemoryModel.listsRange.upperBound)))
    }

    private mutating func checkTrainingData(
        _ step: IndexStep, table: IndexCatalog.Table, key: IndexKeyType, lists: Int, catalog: IndexCatalog
    ) throws(PostgresError) {
        let column = key.written
        let needed = Int64(lists) * Self.rowsPerList
        let rows = try catalog.rowsReadByBuild(table: table, key: key.sql, predicate: step.predicate, limit: needed)
        guard rows < needed else { return }
        let what =
            rows == 0
            ? "\(table.schema).\(table.name) has no rows with \(column)\(step.predicate == nil ? "" : " matching the index's WHERE")"
            : "\(table.schema).\(table.name) has only \(rows) rows with \(column)"
        let why =
            "ivfflat trains its \(lists) lists on the rows present at build time and never retrains them, so the index would keep poor recall until rebuilt (it needs at least lists × \(Self.rowsPerList) = \(needed) rows)"
        let remedy =
            rows == 0
            ? "build it after the data is loaded, use hnsw (no training step, fine on an empty table), or set `allow_little_data: true` to build it anyway"
            : "set `lists: \(Self.suggestedLists(rows: rows))` (pgvector: rows / 1000 up to 1M rows, sqrt(rows) above), build it after more data is loaded, use hnsw, or set `allow_little_data: true` to build it anyway"
        if step.allowLittleData {
            warnings.append("\(what): \(why); building anyway (allow_little_data)")
        } else {
            problems.append("\(what): \(why). Refused: \(remedy)")
        }
    }

    private mutating func estimateHNSW(
        _ step: IndexStep, table: IndexCatalog.Table, key: IndexKeyType, type: VectorColumnType, dimensions: Int,
        version: IndexCatalog.VectorExtension, catalog: IndexCatalog
    ) throws(PostgresError) {
        let m = step.intParameter("m") ?? 16
        let efConstruction = step.intParameter("ef_construction") ?? 64
        guard (2...100).contains(m) else {
            problems.append("m = \(m) is out of range: hnsw accepts 2 to 100")
            return
        }
        if efConstruction < 2 * m {
            problems.append(
                "ef_construction = \(efConstruction) is less than 2 × m = \(2 * m); pgvector refuses that (\"ef_construction must be greater than or equal to 2 * m\")"
            )
        }
        let rows: Int64
        if table.estimatedRows >= 0 {
            rows = Int64(table.estimatedRows)
        } else {
            guard let counted = try rowsReadByBuild(step, table: table, key: key, limit: 10_000_000, catalog: catalog) else { return }
            rows = counted
        }
        let parallel = try HNSWParallelForecast.read(
            step: step, table: table, budgetKilobytes: budgetKilobytes, pgvector: PgvectorVersion(version.effective),
            connection: catalog.connection)
        let estimate = HNSWMemoryEstimate(columnType: type, dimensions: dimensions, m: m, rows: rows)
        let graphBudget = parallel.graphBudgetKilobytes
        let budget =
            parallel.isParallel
            ? "the \(graphBudget / 1024) MB a parallel build leaves for it of maintenance_work_mem \(budgetKilobytes / 1024) MB"
            : "maintenance_work_mem \(budgetKilobytes / 1024) MB"
        if estimate.fits(budgetKilobytes: graphBudget) {
            notes.append("hnsw graph of about \(rows) rows needs about \(estimate.suggestedMegabytes) MB: fits in \(budget)")
        } else {
            warnings.append(Self.spillWarning(estimate, graphBudgetKilobytes: graphBudget, budget: budget, parallel: parallel))
        }
        let report = parallel.report
        notes += report.notes
        warnings += report.warnings
    }

    /// The graph will not fit: where the build goes to disk, what that costs, and the setting
    /// that avoids it (with what that setting asks of /dev/shm in a parallel build).
    static func spillWarning(
        _ estimate: HNSWMemoryEstimate, graphBudgetKilobytes: Int64, budget: String, parallel: HNSWParallelForecast
    ) -> String {
        let inMemory = min(estimate.rows, estimate.rowsThatFit(budgetKilobytes: graphBudgetKilobytes))
        let onDisk = estimate.rows - inMemory
        let share = estimate.rows > 0 ? onDisk * 100 / estimate.rows : 0
        let suggested = estimate.suggestedMegabytes + (parallel.isParallel ? 4 : 0)
        var text =
            "hnsw graph of about \(estimate.rows) rows needs about \(estimate.suggestedMegabytes) MB, more than \(budget): pgvector would build the first ~\(inMemory) rows in memory, then say \"hnsw graph no longer fits into maintenance_work_mem\" and insert the other ~\(onDisk) (\(share)%) one at a time into the graph on disk, which \"will take significantly more time\" (pgvector's words; the build still succeeds). Set `maintenance_work_mem: \(suggested)MB` on the step to build it in memory"
        if parallel.isParallel, parallel.facts.sharedMemoryType == "posix" {
            text += "; a parallel build then asks the server's /dev/shm for a segment of about \(suggested - 3) MB"
            if let shm = parallel.facts.devShm {
                let free = HNSWParallelForecast.megabytes(shm.availableBytes)
                text +=
                    (suggested - 3) * 1_048_576 <= shm.availableBytes
                    ? " (it has \(free) MB free)" : ", more than its \(free) MB free: also set `parallel_workers: 0` to build serially"
            }
        }
        return text
    }

    /// The IVFFlat refusal, naming the largest `lists` that fits and the setting that would do.
    func ivfflatRefusal(step: IndexStep) -> String? {
        guard let verdict = ivfflat, !verdict.fits, let failure = verdict.prediction.firstFailure(budgetKilobytes: verdict.budgetKilobytes)
        else {
            return nil
        }
        let lists = verdict.prediction.lists
        let budgetMB = verdict.budgetKilobytes / 1024
        var text =
            "the ivfflat build of \(step.name) would fail: pgvector \(verdict.version) would stop at its \(failure.stage.rawValue) check with \"memory required is \(IVFFlatMemoryModel.reportedMegabytes(failure.totalBytes)) MB, maintenance_work_mem is \(budgetMB) MB\" (lists = \(lists), \(verdict.prediction.sampledRows) sampled rows of \(verdict.model.columnType.rawValue)(\(verdict.model.dimensions))). "
        if let largest = verdict.largestListsThatFit {
            text += "Set `lists` to \(largest) or less, or "
        } else {
            text += "Even lists = 1 does not fit; "
        }
        text += "set `maintenance_work_mem: \(verdict.prediction.requiredMegabytes)MB` on the step"
        return text
    }

    /// One line with the numbers, for the report.
    func ivfflatSummary() -> String? {
        guard let verdict = ivfflat else { return nil }
        let p = verdict.prediction
        let checks = p.checks.map { "\($0.stage.rawValue) \(IVFFlatMemoryModel.reportedMegabytes($0.totalBytes)) MB" }.joined(
            separator: ", ")
        let budget =
            "\(verdict.budgetKilobytes / 1024) MB (\(budgetIsStepSetting ? "the step's maintenance_work_mem" : "the server's maintenance_work_mem"))"
        return
            "ivfflat memory (pgvector \(verdict.version) formula): lists = \(p.lists), \(p.sampledRows) of \(p.sampleCapacity) sample rows, heap \(verdict.model.heapBlocks) blocks; needs \(p.requiredMegabytes) MB (\(checks)); budget \(budget): "
            + (verdict.fits ? "fits" : "does not fit")
            + (verdict.largestListsThatFit.map { "; the largest lists that fits is \($0)" } ?? "")
    }
}
