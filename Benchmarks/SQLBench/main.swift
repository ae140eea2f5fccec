import SQL

// Measures SQLStatementStream on a file: throughput and peak memory.
// Usage: sql-bench FILE [CHUNK_BYTES]   (scripts/bench-lexer generates FILE and runs this)
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Peak resident set size in kB (VmHWM), or nil where /proc is not available.
func peakResidentKilobytes() -> Int? {
    guard let file = fopen("/proc/self/status", "r") else { return nil }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix("VmHWM:") {
            return Int(text.dropFirst(6).filter { $0.isNumber })
        }
    }
    return nil
}

/// CPU time (user + system) this process has used, in seconds: unlike wall time it does not count
/// the time other processes on a shared machine take from us.
func cpuSeconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
        getrusage(RUSAGE_SELF, &usage)
    #endif
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

let arguments = CommandLine.arguments
guard arguments.count >= 2, let file = fopen(arguments[1], "rb") else {
    print("usage: sql-bench FILE [CHUNK_BYTES]")
    exit(2)
}
let chunkSize = arguments.count >= 3 ? Int(arguments[2]) ?? (1 << 16) : (1 << 16)
let residentBefore = peakResidentKilobytes() ?? 0

var stream = SQLStatementStream(file: arguments[1])
var chunk = [UInt8](repeating: 0, count: chunkSize)
var totalBytes = 0
var statementCount = 0
var outsideTransaction = 0
let clock = ContinuousClock()
let start = clock.now
let cpuStart = cpuSeconds()
do {
    while true {
        let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, chunkSize, file) }
        if count == 0 { break }
        totalBytes += count
        let statements = try chunk.withUnsafeBytes { try stream.feed($0.prefix(count)) }
        statementCount += statements.count
        for statement in statements where !statement.kind.mayRunInTransactionBlock { outsideTransaction += 1 }
    }
    let last = try stream.finish()
    statementCount += last.count
    for statement in last where !statement.kind.mayRunInTransactionBlock { outsideTransaction += 1 }
} catch {
    print(error)
    exit(1)
}
let elapsed = clock.now - start
let cpu = cpuSeconds() - cpuStart
fclose(file)

let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let megabytes = Double(totalBytes) / 1_000_000
let throughput = (megabytes / seconds * 10).rounded() / 10
print("bytes: \(totalBytes)  statements: \(statementCount)  outside a transaction: \(outsideTransaction)")
let cpuThroughput = (megabytes / cpu * 10).rounded() / 10
print("wall: \((seconds * 1000).rounded() / 1000) s  throughput: \(throughput) MB/s  (chunk \(chunkSize) bytes)")
print("cpu:  \((cpu * 1000).rounded() / 1000) s  throughput per CPU second: \(cpuThroughput) MB/s")
if let peak = peakResidentKilobytes() {
    print("peak RSS (VmHWM): \(peak / 1024) MB  (\(residentBefore / 1024) MB before reading)")
}
