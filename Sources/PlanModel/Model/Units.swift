/// Parsing of the unit-suffixed values plan files and flags use: durations (`5s`, `2m`,
/// `500ms`, `1h`, a bare number of seconds) and sizes (`64MB`, `512kB`, `1GB`; PostgreSQL's
/// units, 1024-based).
public enum Units {
    public static func parseDuration(_ text: String) -> Duration? {
        let trimmed = text.trimmingWhitespace()
        let (number, unit) = splitNumber(trimmed)
        guard let value = Double(number), value >= 0, value.isFinite else { return nil }
        let milliseconds: Double
        switch unit.lowercased() {
        case "", "s", "sec", "secs", "second", "seconds": milliseconds = value * 1000
        case "ms", "millisecond", "milliseconds": milliseconds = value
        case "m", "min", "mins", "minute", "minutes": milliseconds = value * 60_000
        case "h", "hour", "hours": milliseconds = value * 3_600_000
        case "d", "day", "days": milliseconds = value * 86_400_000
        default: return nil
        }
        guard milliseconds < 1e15 else { return nil }
        return .milliseconds(Int64(milliseconds.rounded()))
    }

    public static func parseSize(_ text: String) -> ByteSize? {
        let trimmed = text.trimmingWhitespace()
        let (number, unit) = splitNumber(trimmed)
        guard let value = Double(number), value >= 0, value.isFinite else { return nil }
        let multiplier: Double
        switch unit {
        case "B", "": multiplier = 1
        case "kB", "KB", "k", "K": multiplier = 1024
        case "MB", "M": multiplier = 1024 * 1024
        case "GB", "G": multiplier = 1024 * 1024 * 1024
        case "TB", "T": multiplier = 1024 * 1024 * 1024 * 1024
        default: return nil
        }
        let bytes = value * multiplier
        guard bytes < 9e18 else { return nil }
        return ByteSize(bytes: Int64(bytes.rounded()))
    }

    /// A duration as plan writes it back: the largest whole unit.
    public static func format(_ duration: Duration) -> String {
        let ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if ms == 0 { return "0" }
        if ms % 3_600_000 == 0 { return "\(ms / 3_600_000)h" }
        if ms % 60_000 == 0 { return "\(ms / 60_000)m" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms)ms"
    }

    /// A size as PostgreSQL would accept it in SET: the largest whole unit.
    public static func format(_ size: ByteSize) -> String {
        let bytes = size.bytes
        for (unit, factor) in [("GB", Int64(1) << 30), ("MB", Int64(1) << 20), ("kB", Int64(1) << 10)] where bytes % factor == 0 && bytes >= factor {
            return "\(bytes / factor)\(unit)"
        }
        return "\(bytes)B"
    }

    private static func splitNumber(_ text: String) -> (Substring, String) {
        let index = text.firstIndex { !($0.isNumber || $0 == ".") } ?? text.endIndex
        return (text[..<index], text[index...].trimmingWhitespace())
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        var start = startIndex
        var end = endIndex
        while start < end, self[start].isWhitespace { start = index(after: start) }
        while end > start, self[index(before: end)].isWhitespace { end = index(before: end) }
        return String(self[start..<end])
    }
}
