public import Runner
public import SQL

/// The dry-run's risk report: the static rules' findings for pending statements, measured
/// against the server the dry-run is connected to — how big the tables are, whether a type
/// change really rewrites, whether a SET NOT NULL really scans, and who holds a lock the
/// statement would wait for right now. Read-only catalog queries; without a connection
/// (`--offline`) the static findings are returned as they are.
///
/// Severity scales with size: a rewrite, scan or index build of a small table (under
/// `smallBytes` and `smallRows`) is low; of a large one (from `largeBytes` or `largeRows`) high.
public enum RiskReport {
    static let smallBytes: Int64 = 8 << 20
    static let smallRows: Int64 = 10_000
    static let largeBytes: Int64 = 64 << 20
    static let largeRows: Int64 = 100_000
    /// The sequential rate the time estimate assumes: an assumption, said with every estimate.
    static let assumedBytesPerSecond: Int64 = 100 << 20
    /// A transaction open this long, or idle in one, is a blocker to name loudly.
    static let longTransactionSeconds: Int64 = 60

    /// Findings for the statements of each file (the pending migrations of a `migrate` step, or a
    /// `sql` step's SQL), file by file in statement order; each file is analysed on its own, and
    /// the server is asked about all of them at once. `acknowledged`: the step's `acknowledge:`
    /// codes, added to each statement's inline ones.
    public static func findings(
        for files: [(statements: [SQLStatement], trailingTrivia: String)], acknowledged: [String] = [],
        on connection: PostgresConnection?
    ) throws(StepFailure) -> [Finding] {
        let files = files.map { RiskAnalyzer.analyze($0.statements, trailingTrivia: $0.trailingTrivia) }
        guard let connection else {
            return files.joined().flatMap { risk in risk.findings.map { staticFinding($0, of: risk, acknowledged: acknowledged) } }
        }
        do {
            return try LiveRiskReport(files: files, statistics: RelationStatistics(connection: connection), acknowledged: acknowledged)
                .findings()
        } catch {
            throw StepFailure(error, doing: "could not read table statistics for the risk report")
        }
    }

    static func staticFinding(_ finding: RiskFinding, of risk: StatementRisk, acknowledged: [String]) -> Finding {
        Finding(
            code: finding.rule.code, severity: finding.severity, message: finding.message, location: risk.location,
            lock: finding.lockSummary, safer: finding.rule.safer,
            acknowledged: (risk.acknowledged + acknowledged).contains(finding.rule.code))
    }

    /// Severity of whole-table work on relations this size.
    static func severity(bytes: Int64, rows: Int64?) -> RiskSeverity {
        let rows = rows ?? 0
        if bytes >= largeBytes || rows >= largeRows { return .high }
        if bytes < smallBytes && rows < smallRows { return .low }
        return .medium
    }

    /// "~3 s", "under a second", "~4 min" for `bytes` at the assumed rate.
    static func estimate(bytes: Int64) -> String {
        let seconds = bytes / assumedBytesPerSecond
        switch seconds {
        case 0: return "under a second"
        case ..<120: return "~\(seconds) s"
        case ..<7200: return "~\(seconds / 60) min"
        default: return "~\(seconds / 3600) h"
        }
    }
}

/// One pass over the files' statement risks with the server's statistics, read once for all.
private struct LiveRiskReport {
    let files: [[StatementRisk]]
    let statistics: RelationStatistics
    let acknowledged: [String]

    func findings() throws(PostgresError) -> [Finding] {
        var names: [QualifiedName] = []
        for risk in files.joined() {
            for name in risk.locks.map(\.relation) + risk.findings.compactMap(\.relation) + risk.findings.compactMap(\.alsoScans)
            where !names.contains(name) {
                names.append(name)
            }
        }
        let relations = try statistics.relations(names)
        let holders = try statistics.holders(of: Array(Set(relations.values.map(\.tableOID))).sorted())
        var findings: [Finding] = []
        for risks in files {
            // A blocker is named once per file: where each file first waits for it.
            var reportedBlockers: Set<String> = []
            for risk in risks {
                for finding in risk.findings {
                    if let measured = try measured(finding, of: risk, relations: relations) { findings.append(measured) }
                }
                if let blocked = blockedFinding(risk, relations: relations, holders: holders, alreadyReported: &reportedBlockers) {
                    findings.append(blocked)
                }
            }
        }
        return findings
    }

    private func measured(_ finding: RiskFinding, of risk: StatementRisk, relations: [QualifiedName: RelationStatistics.Relation])
        throws(PostgresError) -> Finding?
    {
        var result = RiskReport.staticFinding(finding, of: risk, acknowledged: acknowledged)
        guard let name = finding.relation else { return result }
        // Not in the database: created by an earlier pending migration (so new, empty and unused,
        // as the static rules treat a table created earlier in the same file), or misspelt (then
        // the migration fails, which the run reports).
        guard let relation = relations[name] else { return nil }
        var involved = [relation]
        if let other = finding.alsoScans.flatMap({ relations[$0] }) { involved.append(other) }
        result.sizes = involved.map {
            Finding.RelationSize(relation: $0.name, rows: $0.rows, tableBytes: $0.tableBytes, indexBytes: $0.indexBytes)
        }
        let sizes = involved.map(Self.describe).joined(separator: "; ")

        if finding.rule == .changingColumnType, let column = finding.column, let current = try statistics.column(column, of: relation),
            let newType = finding.newType, TypeChange.keepsTable(from: current.type, to: newType, utc: current.utc)
        {
            result.severity = .low
            result.message =
                "changes the type of \(relation.name).\(column) from \(current.type) to \(newType): binary-coercible, so no rewrite; ACCESS EXCLUSIVE is held only briefly (\(sizes))"
            return result
        }
        if finding.rule == .addingNotNullableField, let column = finding.column, let current = try statistics.column(column, of: relation),
            current.notNull || current.provenNotNull
        {
            result.severity = .low
            result.message =
                "SET NOT NULL on \(relation.name).\(column): "
                + (current.notNull ? "the column is already NOT NULL" : "a validated CHECK (\(column) IS NOT NULL) proves it")
                + ", so no scan (\(sizes))"
            return result
        }
        if finding.rule == .addingRequiredField {
            let empty = (relation.rows ?? 0) == 0 && relation.tableBytes <= 8192
            result.severity = empty ? .low : .high
            result.message += empty ? " — \(relation.name) is empty now" : " — \(relation.name) has rows now (\(sizes)): it would fail"
            return result
        }
        guard let work = finding.work else {
            result.message += " (\(sizes))"
            return result
        }
        let bytes: Int64 = involved.reduce(0) { total, relation in
            total + relation.tableBytes + (work == .rewrite ? relation.indexBytes : 0)
        }
        let rows = involved.compactMap(\.rows).max()
        result.severity = RiskReport.severity(bytes: bytes, rows: rows)
        let verb = work == .rewrite ? "rewrite" : work == .scan ? "scan" : "index build"
        result.message +=
            ". Now: \(sizes). Estimated \(verb): \(RiskReport.estimate(bytes: bytes)) (\(Self.pretty(bytes)) at an assumed 100 MB/s, not measured; WAL, index builds and checks can take several times longer)"
        return result
    }

    /// Sessions holding, right now, a lock on these tables that conflicts with the statement's.
    private func blockedFinding(
        _ risk: StatementRisk, relations: [QualifiedName: RelationStatistics.Relation], holders: [RelationStatistics.Holder],
        alreadyReported: inout Set<String>
    ) -> Finding? {
        var lines: [String] = []
        var pids: [Int32] = []
        var locks: [String] = []
        var long = false
        for lock in risk.locks {
            guard let relation = relations[lock.relation] else { continue }
            let blocking = holders.filter { $0.relationOID == relation.tableOID && lock.mode.conflicts(with: $0.mode) }
            guard !blocking.isEmpty else { continue }
            locks.append("\(lock.mode.name) on \(relation.name)")
            for holder in blocking where alreadyReported.insert("\(holder.pid):\(relation.tableOID)").inserted {
                let idle = holder.state.hasPrefix("idle in transaction")
                let age = holder.transactionSeconds ?? 0
                long = long || idle || age >= RiskReport.longTransactionSeconds
                pids.append(holder.pid)
                var line =
                    "pid \(holder.pid) holds \(holder.mode.name) on \(relation.name): \(holder.state.isEmpty ? "unknown state" : holder.state)"
                if let seconds = holder.transactionSeconds { line += ", transaction open \(Self.duration(seconds))" }
                if idle, let seconds = holder.stateSeconds { line += ", idle for \(Self.duration(seconds))" }
                if !holder.applicationName.isEmpty { line += ", application_name \(holder.applicationName)" }
                lines.append(line)
            }
        }
        guard !lines.isEmpty else { return nil }
        var finding = Finding(
            code: RiskRule.blockedBySession.code, severity: long ? .high : .medium,
            message:
                "would wait for \(lines.count) session(s) holding conflicting locks right now; while it waits, every later query on the table queues behind it:\n"
                + lines.joined(separator: "\n"),
            location: risk.location, lock: locks.joined(separator: "; "), safer: RiskRule.blockedBySession.safer,
            acknowledged: (risk.acknowledged + acknowledged).contains(RiskRule.blockedBySession.code))
        finding.blockingPIDs = pids
        return finding
    }

    static func describe(_ relation: RelationStatistics.Relation) -> String {
        let rows = relation.rows.map { "~\(grouped($0)) rows" } ?? "rows unknown (never analyzed)"
        return "\(relation.name): \(rows), \(relation.tableSize) table, \(relation.indexSize) indexes"
    }

    static func grouped(_ number: Int64) -> String {
        let digits = Array(String(number))
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return result
    }

    /// Rounded as pg_size_pretty rounds, so it agrees with the sizes beside it.
    static func pretty(_ bytes: Int64) -> String {
        if bytes >= 10 << 30 { return "\((bytes + (1 << 29)) >> 30) GB" }
        if bytes >= 10 << 20 { return "\((bytes + (1 << 19)) >> 20) MB" }
        if bytes >= 10 << 10 { return "\((bytes + (1 << 9)) >> 10) kB" }
        return "\(bytes) bytes"
    }

    static func duration(_ seconds: Int64) -> String {
        seconds < 120 ? "\(seconds) s" : seconds < 7200 ? "\(seconds / 60) min" : "\(seconds / 3600) h"
    }
}
