import Foundation
import PlanModel

/// The fixture corpus: plan files under Fixtures/, loaded through a file system rooted there so
/// paths in diagnostics and golden output are short and the same on every machine.
enum Fixtures {
    static let root: String = Bundle.module.bundleURL.appendingPathComponent("Fixtures").path
    /// Where golden files are rewritten when PLAN_UPDATE_GOLDEN=1 (the source tree, not the bundle).
    static let sourceRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    /// The process environment the loader sees in fixture tests: fixed, so golden files are stable.
    static let environment = [
        "DATABASE_URL": "postgres://app:secret-pw@db.internal:5432/app",
        "DEPLOY_ENV": "production",
        "APP_REGION": "eu-west-1",
    ]

    static var updatesGoldenFiles: Bool { ProcessInfo.processInfo.environment["PLAN_UPDATE_GOLDEN"] == "1" }

    /// Top-level fixtures of a folder (files ending in `.plan.yaml`; helpers included by them
    /// live in subfolders).
    static func plans(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + folder)) ?? []
        return names.filter { $0.hasSuffix(".plan.yaml") }.sorted().map { folder + "/" + $0 }
    }

    static func text(_ path: String) -> String? {
        try? String(contentsOfFile: root + "/" + path, encoding: .utf8)
    }

    static func writeGolden(_ path: String, _ text: String) {
        try? text.write(toFile: sourceRoot + "/" + path, atomically: true, encoding: .utf8)
    }

    /// A fixture's command line, from a first line such as `# args: --env production --set lists=5`.
    static func arguments(of path: String) -> (env: String?, overrides: [String: String]) {
        let firstLine =
            (try? String(contentsOfFile: root + "/" + path, encoding: .utf8))?
            .split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        guard firstLine.hasPrefix("# args:") else { return (nil, [:]) }
        let words = firstLine.dropFirst("# args:".count).split(separator: " ").map(String.init)
        var env: String?
        var overrides: [String: String] = [:]
        var index = 0
        while index + 1 < words.count {
            if words[index] == "--env" { env = words[index + 1] }
            if words[index] == "--set", let equals = words[index + 1].firstIndex(of: "=") {
                overrides[String(words[index + 1][..<equals])] = String(words[index + 1][words[index + 1].index(after: equals)...])
            }
            index += 2
        }
        return (env, overrides)
    }

    static func load(_ path: String) -> LoadResult {
        let (env, overrides) = arguments(of: path)
        return PlanLoader(environment: environment, fileSystem: RootedFileSystem(root: root))
            .load(file: path, env: env, overrides: overrides)
    }
}
