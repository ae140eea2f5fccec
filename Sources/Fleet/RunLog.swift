import FoundationEssentials
import Runner

/// `--log FILE`: one JSON line per target that ran, appended as it ends, so a rollout that is
/// interrupted, killed or loses its machine leaves a record of what is done; `--resume FILE`
/// reads it and skips those (docs/FLEET.md describes the format).
public enum RunLog {
    public static let version = 1

    /// The record of one target, as one line (no newline).
    public static func record(_ result: TargetResult, plan: String, at time: String) -> String {
        JSONValue.object([
            ("version", .int(version)), ("target", .string(result.target)), ("outcome", .string(result.outcome.rawValue)),
            ("exit_code", result.exitCode.map { .int(Int($0)) } ?? .null), ("migrations_applied", .int(result.migrationsApplied)),
            ("seconds", .number(result.seconds)), ("error", result.error.map(JSONValue.string) ?? .null),
            ("group", result.group.map(JSONValue.string) ?? .null), ("host", .string(result.host)), ("plan", .string(plan)),
            ("finished_at", .string(time)),
        ]).rendered
    }

    public struct Entry: Sendable, Equatable, Decodable {
        public var target: String
        public var outcome: String
    }

    /// A line that is not a record: the log is not one plan wrote, or was edited.
    public struct MalformedLine: Error, Equatable {
        public var line: Int
        public var text: String

        public init(line: Int, text: String) {
            self.line = line
            self.text = text
        }
    }

    /// The targets whose last record says `done`: a later failure of the same target (a
    /// re-run after it was rolled back by hand) makes it due again. A last line cut short by a
    /// crash mid-write is not a record and is ignored; any other malformed line is an error.
    public static func completedTargets(in text: String) throws(MalformedLine) -> Set<String> {
        var last: [String: String] = [:]
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (number, line) in lines.enumerated() where !line.allSatisfy(\.isWhitespace) {
            guard let entry = try? JSONDecoder().decode(Entry.self, from: Data(line.utf8)) else {
                if number == lines.count - 1 { continue }
                throw MalformedLine(line: number + 1, text: String(line.prefix(80)))
            }
            last[entry.target] = entry.outcome
        }
        return Set(last.filter { $0.value == TargetOutcome.done.rawValue }.keys)
    }

    /// Now, as `2026-12-03T09:31:37Z`.
    public static func timestamp() -> String {
        Date().formatted(.iso8601)
    }
}
