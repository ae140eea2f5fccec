import Foundation
import TestSupport
import Testing

/// Short, seeded versions of the fuzzing in scripts/reliability (docs/RELIABILITY.md): the same
/// targets and properties, 2,000 inputs each, so CI keeps them honest.
@Suite("reliability: fuzzing and properties")
struct ReliabilityFuzzTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .path

    static func corpus() -> [[UInt8]] {
        var files: [[UInt8]] = []
        for directory in ["Tests/PlanModelTests/Fixtures", "Tests/SQLTests/Corpus", "examples", "plans"] {
            let base = root + "/" + directory
            guard let enumerator = FileManager.default.enumerator(atPath: base) else { continue }
            for case let relative as String in enumerator where relative.hasSuffix(".yaml") || relative.hasSuffix(".sql") {
                if let data = FileManager.default.contents(atPath: base + "/" + relative) { files.append(Array(data)) }
            }
        }
        return files
    }

    @Test(arguments: ["loader", "lexer"])
    func twoThousandMutatedInputsKeepTheProperties(target: String) {
        let corpus = Self.corpus()
        #expect(corpus.count > 20)
        var mutator = FuzzMutator(seed: 20_240_101, seeds: corpus)
        var failures: [String] = []
        for index in 0..<2_000 {
            let input = mutator.next()
            let broken = target == "loader" ? FuzzTargets.loader(input) : FuzzTargets.lexer(input)
            if !broken.isEmpty { failures.append("input \(index): \(broken[0]) — \(String(decoding: input.prefix(120), as: UTF8.self))") }
        }
        #expect(failures.isEmpty, "\(failures.prefix(5).joined(separator: "\n"))")
    }

    @Test func joiningTheSplitStatementsGivesBackEveryCorpusFile() {
        for file in Self.corpus() {
            #expect(FuzzTargets.lexer(file).isEmpty)
        }
    }

    @Test(arguments: [
        "plan: 1\nsteps:\n  - uses: x\nidd",  // unexpected end, no final newline
        "plan: 1\nsteps:\n  - uses: x\nidd\n",
        "plan: 1\nenvironments:\n  prod: { params: { lis",
        "a: [\n",
        "plan: 1\rsteps:\r  - x: y: z\r",  // lone CRs are line breaks for libyaml
        "plan: 1\u{2028}steps: [a: b: c]\n",
        // A quoted scalar folded over lines: the expression's offset is not on the first line.
        "plan: 1\nname: n\nparams:\n  l: { type: list, default: [a] }\nsteps:\n  - exec: { command: \"echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n      bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb ${{ params.l }}\", shell: true }\n",
    ])
    func yamlErrorAtTheEndOfAFileWithoutANewlinePointsInsideIt(text: String) {
        #expect(FuzzTargets.loader(Array(text.utf8)).isEmpty)
    }
}
