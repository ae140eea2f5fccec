import FoundationEssentials
import PlanModel

/// The dotenv format as Prisma reads it: `KEY=value`, optional `export `, quotes, `#` comments.
public enum DotEnv {
    /// `environment` plus the values of `files` it does not set: dotenv never overrides what the
    /// environment has, and an earlier file wins over a later one, as Prisma loads them.
    public static func merging(_ files: [String], into environment: [String: String]) -> [String: String] {
        var merged = environment
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            for (key, value) in parse(String(decoding: data, as: UTF8.self)) where merged[key] == nil {
                merged[key] = value
            }
        }
        return merged
    }

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
