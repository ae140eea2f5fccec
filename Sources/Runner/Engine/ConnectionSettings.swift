import FoundationEssentials
import PlanModel

/// Which URL a run uses, by SPEC §4's precedence: `--database-url`, else the plan's
/// `database_url`, else `DATABASE_URL` (from the environment, or like Prisma ≤ 6 from `.env` or
/// `prisma/.env` when the environment lacks it), else libpq's own defaults.
public enum ConnectionSettings {
    public static func resolveURL(
        commandLine: String?, plan: String?, environment: [String: String], workingDirectory: String
    ) -> String? {
        if let commandLine, !commandLine.isEmpty { return commandLine }
        if let plan, !plan.isEmpty { return plan }
        return effectiveEnvironment(environment, workingDirectory: workingDirectory)["DATABASE_URL"]
    }

    /// The process environment plus `.env` / `prisma/.env` values it does not set (dotenv never
    /// overrides what the environment has).
    public static func effectiveEnvironment(_ environment: [String: String], workingDirectory: String) -> [String: String] {
        var merged = environment
        for file in [workingDirectory + "/.env", workingDirectory + "/prisma/.env"] {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            for (key, value) in DotEnv.parse(String(decoding: data, as: UTF8.self)) where merged[key] == nil {
                merged[key] = value
            }
        }
        return merged
    }
}

/// The dotenv format as Prisma reads it: `KEY=value`, optional `export `, quotes, `#` comments.
public enum DotEnv {
    public static func parse(_ text: String) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for rawLine in text.split(whereSeparator: \.isNewline) {
            var line = rawLine.trimmingSpaces()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)) }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingSpaces()
            var value = line[line.index(after: equals)...].trimmingSpaces()
            if let quote = value.first, quote == "\"" || quote == "'", value.count >= 2, let close = value.dropFirst().firstIndex(of: quote)
            {
                value = String(value[value.index(after: value.startIndex)..<close])
                if quote == "\"" { value = value.replacing("\\n", with: "\n") }
            } else if let hash = value.firstRange(of: " #") {
                value = value[..<hash.lowerBound].trimmingSpaces()
            }
            guard !key.isEmpty else { continue }
            pairs.append((key, value))
        }
        return pairs
    }
}
