import Glibc

/// Durations and sizes as plan files write them. Sizes use PostgreSQL's units, where
/// 1 kB = 1024 bytes, so `maintenance_work_mem: 64MB` means what the server means by it.
public enum Units {
    private static let durationUnits: [(suffix: String, microseconds: Int64)] = [
        ("us", 1), ("ms", 1_000), ("s", 1_000_000), ("min", 60_000_000), ("m", 60_000_000),
        ("h", 3_600_000_000), ("d", 86_400_000_000),
    ]
    private static let sizeUnits: [(suffix: String, bytes: Int64)] = [
        ("B", 1), ("kB", 1 << 10), ("KB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30), ("TB", 1 << 40),
    ]

    /// `500ms`, `5s`, `2m`/`2min`, `1h`, `1d`, `1.5s`; a bare `0` means none. Other bare numbers
    /// are refused: PostgreSQL would read them as milliseconds, a person usually means seconds.
    public static func duration(_ text: String) -> Duration? {
        let trimmed = text.trimmingWhitespace()
        if trimmed == "0" { return .zero }
        guard let (number, suffix) = splitNumber(trimmed),
            let unit = durationUnits.first(where: { $0.suffix == suffix })
        else { return nil }
        guard let microseconds = scaled(number, by: unit.microseconds) else { return nil }
        return .microseconds(microseconds)
    }

    /// `512kB`, `64MB`, `1GB`, `8192B`; a bare `0` is zero bytes.
    public static func size(_ text: String) -> ByteSize? {
        let trimmed = text.trimmingWhitespace()
        if trimmed == "0" { return ByteSize(bytes: 0) }
        guard let (number, suffix) = splitNumber(trimmed),
            let unit = sizeUnits.first(where: { $0.suffix == suffix }),
            let bytes = scaled(number, by: unit.bytes)
        else { return nil }
        return ByteSize(bytes: bytes)
    }

    /// The shortest exact spelling: 90s → `90s`, 120s → `2m`, 1.5s → `1500ms`.
    public static func format(_ duration: Duration) -> String {
        let microseconds = microseconds(of: duration)
        if microseconds == 0 { return "0" }
        for (suffix, size) in [("d", Int64(86_400_000_000)), ("h", 3_600_000_000), ("m", 60_000_000), ("s", 1_000_000), ("ms", 1_000)]
        where microseconds % size == 0 {
            return "\(microseconds / size)\(suffix)"
        }
        return "\(microseconds)us"
    }

    /// A duration as PostgreSQL reads it both as a setting (`SET lock_timeout = '2min'`) and as
    /// an interval: plan's spelling, except that minutes are `min` (PostgreSQL's `m` is not).
    public static func postgresFormat(_ duration: Duration) -> String {
        let text = format(duration)
        return text.hasSuffix("m") && !text.hasSuffix("ms") ? text + "in" : text
    }

    /// A duration as PostgreSQL reads it in SET and set_config: whole milliseconds (its `m` is
    /// not minutes, so plan's own spelling cannot be passed through).
    public static func postgresMilliseconds(_ duration: Duration) -> String {
        "\(microseconds(of: duration) / 1000)ms"
    }

    public static func format(_ size: ByteSize) -> String {
        if size.bytes == 0 { return "0" }
        for (suffix, unit) in [("TB", Int64(1) << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)]
        where size.bytes % unit == 0 {
            return "\(size.bytes / unit)\(suffix)"
        }
        return "\(size.bytes)B"
    }

    /// `value` with `fractionDigits` digits after the point, right-aligned in `width` columns:
    /// printf's `%*.*f` itself, so rounding (of the exact binary value, ties to even) and
    /// negatives come out byte for byte as they did from Foundation's `String(format:)`.
    public static func fixed(_ value: Double, fractionDigits: Int, width: Int = 0) -> String {
        // The longest finite Double has 309 integer digits; sign, point and padding on top.
        let capacity = 320 + max(0, fractionDigits) + max(0, width)
        var buffer = [CChar](repeating: 0, count: capacity)
        _ = withVaList([Int32(width), Int32(fractionDigits), value]) { arguments in
            vsnprintf(&buffer, capacity, "%*.*f", arguments)
        }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    public static func seconds(of duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// A time something took, as output shows it: "340 ms" under a second, else "1.25 s".
    public static func elapsed(seconds: Double) -> String {
        seconds < 1 ? "\(Int((seconds * 1000).rounded())) ms" : fixed(seconds, fractionDigits: 2) + " s"
    }

    public static func microseconds(of duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }

    private static func splitNumber(_ text: String) -> (number: String, suffix: String)? {
        let number = text.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        let suffix = text.dropFirst(number.count).trimmingWhitespace()
        guard !number.isEmpty, !suffix.isEmpty else { return nil }
        return (String(number), suffix)
    }

    /// `number × unit` as an integer, or nil when it overflows or is not a whole count of the
    /// smallest unit (1.5us).
    private static func scaled(_ number: String, by unit: Int64) -> Int64? {
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int64(parts[0].isEmpty ? "0" : parts[0]) else { return nil }
        let (product, overflow) = whole.multipliedReportingOverflow(by: unit)
        guard !overflow else { return nil }
        guard parts.count == 2 else { return product }
        let fractionDigits = parts[1]
        guard !fractionDigits.isEmpty, fractionDigits.count <= 12, let fraction = Int64(fractionDigits) else { return nil }
        var divisor: Int64 = 1
        for _ in 0..<fractionDigits.count { divisor *= 10 }
        let (fractionScaled, overflow2) = fraction.multipliedReportingOverflow(by: unit)
        guard !overflow2, fractionScaled % divisor == 0 else { return nil }
        return product + fractionScaled / divisor
    }
}
