import Foundation
import Testing

@testable import PlanModel

@Suite struct UnitsTests {
    static let durations: [(String, Duration)] = [
        ("500ms", .milliseconds(500)), ("5s", .seconds(5)), ("2m", .seconds(120)), ("2min", .seconds(120)),
        ("1h", .seconds(3600)), ("1d", .seconds(86400)), ("1.5s", .milliseconds(1500)), ("0", .zero), (" 10 s ", .seconds(10)),
        ("250us", .microseconds(250)),
    ]

    @Test(arguments: durations)
    func durationsParse(_ text: String, duration: Duration) {
        #expect(Units.duration(text) == duration)
    }

    @Test(arguments: ["30", "5 seconds", "s", "-1s", "1.5.2s", "1e3ms", "", "99999999999999999d", "0.0000001us"])
    func badDurationsAreRefused(_ text: String) {
        #expect(Units.duration(text) == nil)
    }

    static let sizes: [(String, Int64)] = [
        ("512kB", 524_288), ("64MB", 67_108_864), ("1GB", 1_073_741_824), ("1TB", 1_099_511_627_776), ("8192B", 8192),
        ("0", 0), ("1.5GB", 1_610_612_736), ("16KB", 16_384),
    ]

    @Test(arguments: sizes)
    func sizesUsePostgreSQLUnits(_ text: String, bytes: Int64) {
        #expect(Units.size(text) == ByteSize(bytes: bytes))
    }

    @Test(arguments: ["64", "64XB", "64mb", "MB", "64 M", "99999999999TB"])
    func badSizesAreRefused(_ text: String) {
        #expect(Units.size(text) == nil)
    }

    @Test func formattingPicksTheLargestExactUnit() {
        #expect(Units.format(Duration.seconds(120)) == "2m")
        #expect(Units.format(Duration.seconds(90)) == "90s")
        #expect(Units.format(Duration.milliseconds(1500)) == "1500ms")
        #expect(Units.format(ByteSize(bytes: 64 << 20)) == "64MB")
        #expect(Units.format(ByteSize(bytes: 1536)) == "1536B")
    }

    /// The fixed-point formatter replaced `String(format:)` in timings and progress: the same
    /// bytes, rounding of exact binary values (1.005 is below the tie), ties to even, padding.
    @Test func fixedPointMatchesPrintf() {
        let values: [Double] = [
            0, -0.0, 1, 0.125, 0.375, 1.005, 2.675, 1.995, 12.345, -1.005, -0.004, 0.995, 999.995, 1e15 + 0.3, 0.5, 1.5, 2.5,
            99.5, 100, 42, 7.25e-3, -7, .infinity, -.infinity, .nan, 1.7976931348623157e308,
        ]
        for value in values {
            #expect(Units.fixed(value, fractionDigits: 2) == String(format: "%.2f", value), "\(value)")
            #expect(Units.fixed(value, fractionDigits: 0, width: 3) == String(format: "%3.0f", value), "\(value)")
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let value = Double.random(in: -10_000...10_000, using: &generator)
            #expect(Units.fixed(value, fractionDigits: 2) == String(format: "%.2f", value), "\(value)")
        }
        #expect(Units.fixed(1.5, fractionDigits: 2) + " s" == "1.50 s")
        #expect(Units.fixed(7, fractionDigits: 0, width: 3) + "%" == "  7%")
    }

    @Test(arguments: [("migrat", "migrate"), ("tabel", "table"), ("rolled-back", "rolled_back"), ("ivflat", "ivfflat")])
    func nearMissesAreSuggested(_ typo: String, suggestion: String) {
        #expect(Suggestion.closest(to: typo, in: ["migrate", "table", "rolled_back", "ivfflat", "verify"]) == suggestion)
    }

    @Test func farMissesAreNot() {
        #expect(Suggestion.closest(to: "banana", in: ["migrate", "verify"]) == nil)
    }

    @Test func pathsResolveAgainstTheNamingFile() {
        #expect(Paths.resolve("../prisma/migrations", against: Paths.directory(of: "plans/release.plan.yaml")) == "prisma/migrations")
        #expect(Paths.resolve("shared/x.plan.yaml", against: Paths.directory(of: "a/b.plan.yaml")) == "a/shared/x.plan.yaml")
        #expect(Paths.resolve("/abs/x", against: "a") == "/abs/x")
        #expect(Paths.resolve("../../x", against: "a") == "../x")
        #expect(Paths.resolve("x", against: Paths.directory(of: "top.plan.yaml")) == "x")
    }

    /// What NSString's deletingLastPathComponent gave, which it replaced for a folder's parent
    /// (not compared with it here: swift-corelibs-foundation's traps on some of these inputs).
    @Test(arguments: [
        ("a/b.yaml", "a"), ("/a/b/", "/a"), ("b", ""), ("/a", "/"), ("/", "/"), ("prisma/migrations/", "prisma"),
    ])
    func directoryOfAPathIgnoresATrailingSlash(_ path: String, directory: String) {
        #expect(Paths.directory(of: path) == directory)
    }
}
