// plan-fuzz: the fuzz targets of docs/RELIABILITY.md, run for a fixed budget.
//
//   plan-fuzz random --target loader|lexer --seconds N --seed S [--artifacts DIR] CORPUS_DIR…
//       seeded random mutation of the corpus files; a failing input is written to DIR and the
//       exit status is 1. Reproduce with the same seed.
//   plan-fuzz libfuzzer --target loader|lexer [libFuzzer flags…] [CORPUS_DIR…]
//       only in the build of scripts/fuzz (-sanitize=fuzzer,address -DLIBFUZZER): coverage-guided.
import Foundation
import TestSupport

#if LIBFUZZER
    // swift-format-ignore: AlwaysUseLowerCamelCase
    @_silgen_name("LLVMFuzzerRunDriver")
    func LLVMFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// The target libFuzzer's C callback calls; set once before the driver starts.
    nonisolated(unsafe) var selectedTarget: @Sendable ([UInt8]) -> [String] = FuzzTargets.loader

    /// libFuzzer's entry point (its runtime refers to the symbol even when driven by LLVMFuzzerRunDriver).
    @_cdecl("LLVMFuzzerTestOneInput")
    func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
        let broken = selectedTarget(bytes)
        if !broken.isEmpty {
            FileHandle.standardError.write(Data(("property failed: " + broken.joined(separator: "; ") + "\n").utf8))
            abort()
        }
        return 0
    }
#endif

@main
enum PlanFuzz {
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        func take(_ flag: String) -> String? {
            guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return nil }
            let value = arguments[index + 1]
            arguments.removeSubrange(index...(index + 1))
            return value
        }
        let mode = arguments.isEmpty ? "random" : arguments.removeFirst()
        let targetName = take("--target") ?? "loader"
        let target: @Sendable ([UInt8]) -> [String] = targetName == "lexer" ? FuzzTargets.lexer : FuzzTargets.loader

        #if LIBFUZZER
            if mode == "libfuzzer" {
                selectedTarget = target
                var cArguments: [UnsafeMutablePointer<CChar>?] = ([CommandLine.arguments[0]] + arguments).map { strdup($0) } + [nil]
                var count = CInt(cArguments.count - 1)
                let status = cArguments.withUnsafeMutableBufferPointer { buffer -> CInt in
                    var base = buffer.baseAddress
                    return LLVMFuzzerRunDriver(&count, &base, fuzzOne)
                }
                exit(status)
            }
        #endif

        guard mode == "random" else {
            FileHandle.standardError.write(Data("plan-fuzz: mode \(mode) needs the libFuzzer build (scripts/fuzz)\n".utf8))
            exit(2)
        }
        let seconds = Double(take("--seconds") ?? "10") ?? 10
        let seed = UInt64(take("--seed") ?? "1") ?? 1
        let artifacts = take("--artifacts")
        var corpus: [[UInt8]] = []
        for directory in arguments {
            guard let enumerator = FileManager.default.enumerator(atPath: directory) else { continue }
            for case let relative as String in enumerator where relative.hasSuffix(".yaml") || relative.hasSuffix(".sql") {
                if let data = FileManager.default.contents(atPath: directory + "/" + relative), data.count < 200_000 {
                    corpus.append(Array(data))
                }
            }
        }
        var mutator = FuzzMutator(seed: seed, seeds: corpus)
        let deadline = Date().addingTimeInterval(seconds)
        var inputs = 0
        var failures = 0
        var slowest = 0.0
        while Date() < deadline {
            for _ in 0..<50 {
                let input = mutator.next()
                let started = Date()
                let broken = target(input)
                let elapsed = Date().timeIntervalSince(started)
                slowest = max(slowest, elapsed)
                inputs += 1
                guard !broken.isEmpty || elapsed > 2 else { continue }
                failures += 1
                let reason = broken.isEmpty ? "slow input: \(elapsed) s" : broken.joined(separator: "; ")
                FileHandle.standardError.write(Data("plan-fuzz: \(targetName) input \(inputs): \(reason)\n".utf8))
                if let artifacts {
                    try? FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
                    _ = FileManager.default.createFile(atPath: "\(artifacts)/\(targetName)-\(seed)-\(inputs)", contents: Data(input))
                }
            }
        }
        print(
            "{\"target\": \"\(targetName)\", \"seed\": \(seed), \"corpus\": \(corpus.count), \"inputs\": \(inputs), "
                + "\"failures\": \(failures), \"slowest_ms\": \(Int(slowest * 1000))}")
        exit(failures == 0 ? 0 : 1)
    }
}
