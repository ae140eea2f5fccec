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
    }

    public init() {}

    private struct Event: Decodable {
        struct Named: Decodable { var name: String }
        var event: String
        var level: String?
        var text: String?
        var exit_code: Int32?
        var has_table: Bool?
        var up_to_date: Bool?
        var applied: [Named]?
        var pending: [Named]?
        var failed: [Named]?
    }

    /// One line of the child's standard output; anything that is not an event is ignored.
    public mutating func read(event line: String) {
        guard line.hasPrefix("{"), let event = try? JSONDecoder().decode(Event.self, from: Data(line.utf8)) else { return }
        switch event.event {
        case "migration_applied": migrationsApplied += 1
        case "message" where event.level == "error": if let text = event.text { errors.append(text) }
        case "summary": exitCode = event.exit_code
        case "migration_status":
            status = MigrationCounts(
                hasTable: event.has_table ?? false, upToDate: event.up_to_date ?? false, applied: event.applied?.count ?? 0,
                pending: event.pending?.count ?? 0, failed: event.failed?.count ?? 0)
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
