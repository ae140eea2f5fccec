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
    // Linux only: the sources use Glibc (posix_spawn, signals, prctl) and the system's libpq as
    // Debian ships it. No other platform is declared because none is built or tested.
    products: [
        .executable(name: "plan", targets: ["plan"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        .systemLibrary(
            name: "CLibYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),
        // The system's libpq and libcrypto (OpenSSL, for SHA-256), so that security updates
        // reach plan through the system's packages.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // Plan files -> typed, validated Plan. Pure: no database, no processes. SQL's quoting renders
        // interpolated values (one quoting function for the tool); SQL never depends on PlanModel.
        .target(name: "PlanModel", dependencies: ["CLibYAML", "SQL"], exclude: ["README.md"], swiftSettings: swiftSettings),
        // Prisma projects -> schema, migrations folder, datasource URLs. Pure: reads files only.
        .target(name: "PrismaProject", exclude: ["README.md"], swiftSettings: swiftSettings),
        // PostgreSQL's lexical rules: statement splitting and transaction classification. Pure.
        .target(name: "SQL", exclude: ["README.md"], swiftSettings: swiftSettings),
        // The engine: libpq session, locks, transactions, events, the step loop.
        .target(
            name: "Runner", dependencies: ["CLibPQ", "PlanModel", "SQL"], exclude: ["README.md"],
            swiftSettings: swiftSettings),
        // One file per step type, built on the engine.
        .target(
            name: "Steps", dependencies: ["Runner", "PlanModel", "SQL", "CLibCrypto"], exclude: ["README.md"],
            swiftSettings: swiftSettings),
        // Fleets (plan run --targets): targets, shards, the rollout's scheduling decisions, the run
        // log and the fleet's table. Pure: no database, no processes; the executable runs the pool.
        .target(name: "Fleet", dependencies: ["Runner", "PlanModel"], exclude: ["README.md"], swiftSettings: swiftSettings),
        // Argument parsing and wiring only.
        .executableTarget(
            name: "plan",
            dependencies: [
                "Steps", "Runner", "PlanModel", "SQL", "PrismaProject", "Fleet",
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
        .testTarget(name: "PrismaProjectTests", dependencies: ["PrismaProject"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SQLTests", dependencies: ["SQL", "TestSupport", "Runner"], resources: [.copy("Corpus")],
            swiftSettings: swiftSettings),
        .testTarget(name: "RunnerTests", dependencies: ["Runner", "TestSupport"], exclude: ["Golden"], swiftSettings: swiftSettings),
        .testTarget(name: "StepsTests", dependencies: ["Steps", "Runner", "TestSupport"], swiftSettings: swiftSettings),
        // Tests that need the real PostgreSQL server (scripts/test starts one); the targets
        // above them need none (but for SQLTests' two server-agreement suites, which read its
        // corpus): `scripts/test --unit` runs those alone.
        .testTarget(name: "RunnerServerTests", dependencies: ["Runner", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "StepsServerTests", dependencies: ["Steps", "Runner", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "FleetTests", dependencies: ["Fleet", "PlanModel"], swiftSettings: swiftSettings),
        .testTarget(name: "PlanCLITests", dependencies: ["TestSupport"], exclude: ["Golden"], swiftSettings: swiftSettings),
    ]
)
