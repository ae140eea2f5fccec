import PlanModel
import Testing

/// Bad input never crashes the loader: every valid fixture, mutated one character at a time in
/// many ways, loads to a plan or to diagnostics with positions inside the file.
@Suite struct MutationTests {
    /// A fixed-seed generator, so a failure reproduces.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D1_049B_B133_111D
            return z ^ (z >> 31)
        }
    }

    static let alphabet: [UInt8] = Array(" \t\n:-{}[],'\"$#&*!|>%@`<=~?\\xA0é".utf8) + [0x00, 0xFF, 0xC3]

    @Test(arguments: Fixtures.plans(in: "valid"))
    func mutatedPlansNeverCrash(_ path: String) throws {
        let original = try #require(Fixtures.text(path)).utf8.map { $0 }
        var random = SplitMix(state: UInt64(path.utf8.count) &* 7919)
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes.remove(at: index)
                case 1: bytes.insert(Self.alphabet.randomElement(using: &random)!, at: index)
                default: bytes[index] = Self.alphabet.randomElement(using: &random)!
                }
            }
            var files = [path: bytes]
            for helper in ["valid/shared/vector-index.plan.yaml", "valid/shared/checks/index-valid.plan.yaml"] {
                files[helper] = Fixtures.text(helper).map { Array($0.utf8) }
            }
            let result = PlanLoader(environment: Fixtures.environment, fileSystem: InMemoryFileSystem(bytes: files)).load(file: path)
            #expect(result.plan != nil || result.diagnostics.hasErrors)
            for diagnostic in result.diagnostics where diagnostic.location.file == path {
                #expect(diagnostic.location.line >= 0 && diagnostic.location.line <= bytes.count + 1)
            }
        }
    }
}
