// swift-tools-version:6.0
import PackageDescription

/// Settings every Swift target shares: Swift 6 mode with strict concurrency is the default of
/// tools-version 6; these upcoming features keep C imports internal and make intent explicit.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "plan",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "plan", targets: ["plan"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        .systemLibrary(
            name: "CLibYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]),
        // Headers only: the runner opens libpq.so.5 when a command connects (Runner's LibPQ.swift)
        // rather than linking it, so no pkg-config: its `-lpq` would load libpq at every start.
        .systemLibrary(name: "CLibPQ"),

        // Plan files -> typed, validated Plan. Pure: no database, no processes.
        .target(name: "PlanModel", dependencies: ["CLibYAML"], exclude: ["README.md"], swiftSettings: swiftSettings),
        // PostgreSQL's lexical rules: statement splitting and transaction classification. Pure.
        .target(name: "SQL", exclude: ["README.md"], swiftSettings: swiftSettings),
        // The engine: libpq session, locks, transactions, events, the step loop.
        .target(
            name: "Runner", dependencies: ["CLibPQ", "LibPQLocation", "PlanModel", "SQL"], exclude: ["README.md"],
            swiftSettings: swiftSettings),
        // One file per step type, built on the engine.
        .target(
            name: "Steps", dependencies: ["Runner", "PlanModel", "SQL", "SHA256Blocks"], exclude: ["README.md"],
            swiftSettings: swiftSettings),
        // SHA-256's block function on the CPU's SHA extensions, for the migrations' checksums.
        .target(name: "SHA256Blocks"),
        // Which libpq.so.5 to open (PLAN_LIBPQ, the one installed with plan, the system's), in C
        // because PlanStartup asks before Swift's runtime is up.
        .target(name: "LibPQLocation"),
        // Starts loading libpq before Swift's main, for the subcommands that connect.
        .target(name: "PlanStartup", dependencies: ["LibPQLocation"]),
        // Argument parsing and wiring only.
        .executableTarget(
            name: "plan",
            dependencies: [
                "Steps", "Runner", "PlanModel", "SQL", "PlanStartup",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings),

        // Lexer throughput and memory on a generated file: scripts/bench-lexer.
        .executableTarget(
            name: "sql-bench", dependencies: ["SQL"], path: "Benchmarks/SQLBench", swiftSettings: swiftSettings),

        // Fuzz targets of the reliability suite, run for a budget: scripts/reliability, scripts/fuzz.
        .executableTarget(
            name: "plan-fuzz", dependencies: ["TestSupport"], path: "Fuzz/PlanFuzz", swiftSettings: swiftSettings),

        .target(
            name: "TestSupport", dependencies: ["Runner", "PlanModel", "SQL"], path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "PlanModelTests", dependencies: ["PlanModel"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(
            name: "SQLTests", dependencies: ["SQL", "TestSupport", "Runner"], resources: [.copy("Corpus")],
            swiftSettings: swiftSettings),
        .testTarget(name: "RunnerTests", dependencies: ["Runner", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "StepsTests", dependencies: ["Steps", "Runner", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "PlanCommandTests", dependencies: ["plan"], swiftSettings: swiftSettings),
        .testTarget(name: "PlanCLITests", dependencies: ["TestSupport"], exclude: ["Golden"], swiftSettings: swiftSettings),
    ]
)
