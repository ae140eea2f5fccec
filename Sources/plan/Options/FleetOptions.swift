import ArgumentParser
import Fleet

/// Where a fleet's targets come from and how many run at once: `plan run` and `plan status`.
struct FleetOptions: ParsableArguments {
    @Option(
        name: .customLong("targets"),
        help: ArgumentHelp("Run against every database this YAML file lists (docs/FLEET.md).", valueName: "file"))
    var targetsFile: String?

    @Option(
        name: .customLong("targets-query"),
        help: ArgumentHelp(
            "Run against every database this query returns (columns name, url[, group[, host]]), read-only on the control database whose URL is in $PLAN_CONTROL_DATABASE_URL (or --control-url-env).",
            valueName: "sql"))
    var targetsQuery: String?

    @Option(
        name: .customLong("control-url-env"),
        help: ArgumentHelp("The environment variable holding the control database's URL, for --targets-query.", valueName: "name"))
    var controlURLVariable = "PLAN_CONTROL_DATABASE_URL"

    @Option(help: ArgumentHelp("With --targets: how many targets run at once.", valueName: "n"))
    var parallel = 4

    @Option(
        name: .customLong("per-host"),
        help: ArgumentHelp(
            "With --targets: how many targets run at once on one server (its `host:` label, else the URL's host:port).",
            valueName: "n"))
    var perHost: Int?

    @Option(
        help: ArgumentHelp(
            "With --targets: take only the I-th of N stable slices (1-based; a target's slice is a hash of its name).",
            valueName: "I/N"))
    var shard: String?

    var isFleet: Bool { targetsFile != nil || targetsQuery != nil }

    func validate() throws {
        if targetsFile != nil && targetsQuery != nil { throw ValidationError("give --targets or --targets-query, not both") }
        if parallel < 1 { throw ValidationError("--parallel must be at least 1") }
        if let perHost, perHost < 1 { throw ValidationError("--per-host must be at least 1") }
        if let shard, Shard(shard) == nil {
            throw ValidationError("--shard '\(shard)' is not I/N with 1 ≤ I ≤ N; write e.g. --shard 1/4 (the first of four slices)")
        }
        if !isFleet {
            if shard != nil { throw ValidationError("--shard takes a slice of a fleet: it needs --targets or --targets-query") }
            if perHost != nil { throw ValidationError("--per-host needs --targets or --targets-query") }
        }
    }
}

/// How a fleet rollout proceeds and where it records itself: `plan run --targets` only.
struct RolloutOptions: ParsableArguments {
    @Option(help: ArgumentHelp("With --targets: run the first N targets alone first, and stop if any of them fails.", valueName: "n"))
    var canary = 0

    @Option(
        name: .customLong("max-failures"), help: ArgumentHelp("With --targets: start no new target after K failures.", valueName: "k"))
    var maxFailures: Int?

    @Option(
        help: ArgumentHelp("With --targets: append one JSON line per target to this run log (docs/FLEET.md).", valueName: "file"))
    var log: String?

    @Option(
        help: ArgumentHelp(
            "With --targets: skip the targets this run log records as done, and append to it (unless --log names another).",
            valueName: "log"))
    var resume: String?

    var isGiven: Bool { canary != 0 || maxFailures != nil || log != nil || resume != nil }

    var choice: RolloutChoice { RolloutChoice(canary: canary, maxFailures: maxFailures, log: log, resume: resume) }

    func validate() throws {
        if canary < 0 { throw ValidationError("--canary must be 0 or more") }
        if let maxFailures, maxFailures < 1 { throw ValidationError("--max-failures must be at least 1") }
    }
}

/// The rollout options, once read from the command line (`plan status --targets` has none).
struct RolloutChoice: Equatable {
    var canary = 0
    var maxFailures: Int?
    var log: String?
    var resume: String?
}
