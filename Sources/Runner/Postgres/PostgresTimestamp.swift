/// A binary timestamp (microseconds since 2000-01-01 UTC) as text, in UTC, the way Prisma reports
/// a migration's start: `2026-11-25 17:15:21.146 UTC`.
public enum PostgresTimestamp {
    public static func utcText(microsecondsSince2000 value: Int64) -> String {
        if value == .max { return "infinity" }
        if value == .min { return "-infinity" }
        let microsecondsPerDay: Int64 = 86_400_000_000
        // 2000-01-01 is day 10,957 of the Unix epoch.
        let (day, remainder) = floorDivision(value, microsecondsPerDay)
        let (year, month, dayOfMonth) = civilDate(daysSince1970: day + 10_957)
        let seconds = remainder / 1_000_000
        let fraction = remainder % 1_000_000
        // No year 0: 1 BC precedes 1 AD, as PostgreSQL writes it.
        var text =
            "\(padded(year > 0 ? year : 1 - year, 4))-\(padded(month, 2))-\(padded(dayOfMonth, 2)) "
            + "\(padded(seconds / 3600, 2)):\(padded(seconds / 60 % 60, 2)):\(padded(seconds % 60, 2))"
        if fraction != 0 {
            var digits = padded(fraction, 6)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text + (year > 0 ? " UTC" : " BC UTC")
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let quotient = value / divisor
        let remainder = value % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    /// The proleptic Gregorian date of a day count (Howard Hinnant's `civil_from_days`).
    private static func civilDate(daysSince1970 days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
