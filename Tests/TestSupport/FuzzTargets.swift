import Foundation
import PlanModel
import SQL

/// The two fuzz targets of the reliability suite (docs/RELIABILITY.md): bytes → plan loader →
/// diagnostics, and bytes → SQL lexer → statements. Each returns the properties the input broke
/// (empty when all held); a crash or hang is the other failure mode, caught by whoever runs them:
/// the in-process tests, `plan-fuzz` (seeded random) and its libFuzzer build (`scripts/fuzz`).
public enum FuzzTargets {
    /// The plan file's name inside the in-memory file system.
    public static let planFile = "fuzz.plan.yaml"

    /// Loads `bytes` as a plan (it may `uses:` itself or a missing file). Properties: a plan or at
    /// least one error; every diagnostic in the file points inside it (1-based line ≤ its line
    /// count as libyaml and editors count lines, column ≤ that line's length + 1; line 0 means
    /// "the whole file").
    public static func loader(_ bytes: [UInt8]) -> [String] {
        let files: [String: [UInt8]] = [planFile: bytes, "other.plan.yaml": Array("plan: 1\nname: other\nsteps: []\n".utf8)]
        let result = PlanLoader(environment: ["DATABASE_URL": "postgresql://u:secret@h/db"], fileSystem: InMemoryFileSystem(bytes: files))
            .load(file: planFile)
        var broken: [String] = []
        if result.plan == nil && !result.diagnostics.hasErrors { broken.append("no plan and no error") }
        let source = SourceText(String(decoding: bytes, as: UTF8.self))
        for diagnostic in result.diagnostics where diagnostic.location.file == planFile {
            let location = diagnostic.location
            if location.line == 0 { continue }
            guard let line = source.line(location.line) else {
                broken.append("line \(location.line) outside a file of \(source.lines.count) line(s): \(diagnostic.message)")
                continue
            }
            let length = line.unicodeScalars.count
            if location.column < 1 || location.column > length + 1 {
                broken.append("column \(location.column) outside line \(location.line) of length \(length): \(diagnostic.message)")
            }
        }
        return broken
    }

    /// Splits `bytes` as SQL. Properties: on success, trivia + statements + trailing trivia give
    /// back the input exactly, statement positions are 1-based and increasing, offsets inside the
    /// input; on failure, the error's line is inside the file.
    public static func lexer(_ bytes: [UInt8]) -> [String] {
        var broken: [String] = []
        do {
            let script = try SQLSplitter.script(bytes, file: "fuzz.sql")
            let joined = script.reconstructedSource
            if Array(joined.utf8) != bytes { broken.append("joining the statements does not give back the input") }
            var previous = -1
            for statement in script.statements {
                if statement.line < 1 || statement.column < 1 { broken.append("statement at \(statement.line):\(statement.column)") }
                if statement.byteOffset <= previous || statement.byteOffset >= max(bytes.count, 1) {
                    broken.append("statement offset \(statement.byteOffset) out of order or outside \(bytes.count) bytes")
                }
                previous = statement.byteOffset
                if statement.text.isEmpty { broken.append("an empty statement") }
            }
        } catch {
            let lines = splitLines(bytes).count
            if error.line < 1 || error.line > max(lines, 1) { broken.append("error line \(error.line) outside \(lines) line(s)") }
        }
        return broken
    }

    /// Lines as editors and the diagnostic renderer count them: a file ending in a newline has an
    /// empty last line, where an "unexpected end of file" points.
    static func splitLines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map {
            $0.last == UInt8(ascii: "\r") ? $0.dropLast() : $0
        }
    }
}

/// A seeded mutator: a failure reproduces from its seed. Mutations are byte flips, inserts of
/// syntax-significant tokens, deletions, duplicated slices and splices of two inputs.
public struct FuzzMutator {
    public struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        public init(seed: UInt64) { state = seed }
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D1_049B_B133_111D
            return z ^ (z >> 31)
        }
    }

    public var random: SplitMix
    public let seeds: [[UInt8]]
    static let tokens: [[UInt8]] =
        [
            "$$", "$a$", "'", "''", "E'\\", "\"", "/*", "*/", "--", ";", "\n", "\r\n", "BEGIN", "END", "ATOMIC", "CASE",
            "CONCURRENTLY", "${{", "}}", "${{ params.x }}", ":", "- ", "{", "}", "[", "]", "&a", "*a", "!!str", "|", ">",
            "uses: fuzz.plan.yaml", "uses: other.plan.yaml", "steps:", "params:", "migrate: {}", "\u{00E9}", "\u{1F600}",
            "\t", "%YAML 1.2\n", "---\n", "...\n", "? ", "\\", "U&'", "U&\"",
        ].map { Array($0.utf8) } + [[0x00], [0xFF], [0xC3], [0xE2, 0x82], [0xEF, 0xBB, 0xBF]]

    public init(seed: UInt64, seeds: [[UInt8]]) {
        random = SplitMix(seed: seed)
        self.seeds = seeds.isEmpty ? [[]] : seeds
    }

    public mutating func next() -> [UInt8] {
        var bytes = seeds.randomElement(using: &random)!
        for _ in 0..<Int.random(in: 1...8, using: &random) {
            let at = bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0 where at < bytes.count: bytes[at] = UInt8.random(in: 0...255, using: &random)
            case 1: bytes.insert(contentsOf: Self.tokens.randomElement(using: &random)!, at: at)
            case 2 where at < bytes.count: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...16, using: &random)))
            case 3 where at < bytes.count:
                let slice = bytes[at..<min(bytes.count, at + Int.random(in: 1...64, using: &random))]
                bytes.insert(contentsOf: slice, at: Int.random(in: 0...bytes.count, using: &random))
            case 4:
                let other = seeds.randomElement(using: &random)!
                if !other.isEmpty {
                    let from = Int.random(in: 0..<other.count, using: &random)
                    bytes.insert(contentsOf: other[from..<min(other.count, from + Int.random(in: 1...200, using: &random))], at: at)
                }
            default: bytes.insert(UInt8.random(in: 0...127, using: &random), at: at)
            }
        }
        return bytes
    }
}
