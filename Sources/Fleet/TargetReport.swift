import FoundationEssentials
import Runner

/// What one target's run said, read from the child's `--format json` event lines
/// (docs/EVENTS.md) and its standard error: how many migrations it applied, its errors, its
/// exit code, and for `plan status` the migrations' states.
public struct TargetReport: Sendable, Equatable {
    public var migrationsApplied = 0
    /// `error` messages, in order; then the child's standard error lines (diagnostics of an
    /// invalid plan, a missing variable), which are not events.
    public var errors: [String] = []
    public var standardError: [String] = []
    /// The `summary` event's exit code.
    public var exitCode: Int32?
    /// `plan status`: the `migration_status` event.
    public var status: MigrationCounts?

    public struct MigrationCounts: Sendable, Equatable {
        public var hasTable: Bool
        public var upToDate: Bool
        public var applied: Int
        public var pending: Int
        public var failed: Int

        public init(hasTable: Bool, upToDate: Bool, applied: Int, pending: Int, failed: Int) {
            self.hasTable = hasTable
            self.upToDate = upToDate
            self.applied = applied
            self.pending = pending
            self.failed = failed
        }
    }

    public init() {}

    /// Each event kind decoded on its own: the same key has different types in different
    /// events (`failed` is a count in `summary`, a list in `migration_status`).
    private struct Kind: Decodable { var event: String }
    private struct MessageEvent: Decodable {
        var level: String
        var text: String
    }
    private struct SummaryEvent: Decodable {
        var exitCode: Int32
        enum CodingKeys: String, CodingKey { case exitCode = "exit_code" }
    }
    private struct StatusEvent: Decodable {
        struct Named: Decodable { var name: String }
        var hasTable: Bool
        var upToDate: Bool
        var applied: [Named]
        var pending: [Named]
        var failed: [Named]
        enum CodingKeys: String, CodingKey {
            case applied, pending, failed
            case hasTable = "has_table"
            case upToDate = "up_to_date"
        }
    }

    /// One line of the child's standard output; anything that is not an event is ignored.
    public mutating func read(event line: String) {
        guard line.hasPrefix("{") else { return }
        let data = Data(line.utf8)
        let decoder = JSONDecoder()
        guard let kind = try? decoder.decode(Kind.self, from: data) else { return }
        switch kind.event {
        case "migration_applied": migrationsApplied += 1
        case "message":
            if let message = try? decoder.decode(MessageEvent.self, from: data), message.level == "error" { errors.append(message.text) }
        case "summary": exitCode = (try? decoder.decode(SummaryEvent.self, from: data))?.exitCode
        case "migration_status":
            if let event = try? decoder.decode(StatusEvent.self, from: data) {
                status = MigrationCounts(
                    hasTable: event.hasTable, upToDate: event.upToDate, applied: event.applied.count, pending: event.pending.count,
                    failed: event.failed.count)
            }
        default: break
        }
    }

    /// One line of the child's standard error; the last few are kept.
    public mutating func read(diagnostic line: String) {
        guard !line.allSatisfy(\.isWhitespace) else { return }
        standardError.append(line)
        if standardError.count > 20 { standardError.removeFirst() }
    }

    /// The error a table shows: the first error event, else the first `error:` line of
    /// standard error, else its last line.
    public var firstError: String? {
        if let first = errors.first { return first }
        return standardError.first { $0.hasPrefix("error") || $0.contains(": error:") } ?? standardError.last
    }
}
