/// How a rollout may proceed: how many targets at once, per server, the canary and the
/// failure budget.
public struct RolloutPolicy: Sendable, Equatable {
    /// Targets running at once, overall.
    public var parallel: Int
    /// Targets running at once on one host (label or host:port); nil: only `parallel` limits.
    public var perHost: Int?
    /// The first `canary` targets run first, alone; if any of them fails, nothing else starts.
    public var canary: Int
    /// After this many failures no new target starts; nil: every target is tried.
    public var maxFailures: Int?

    public init(parallel: Int = 1, perHost: Int? = nil, canary: Int = 0, maxFailures: Int? = nil) {
        self.parallel = max(1, parallel)
        self.perHost = perHost
        self.canary = max(0, canary)
        self.maxFailures = maxFailures
    }
}

/// Why a rollout stopped starting targets before it tried them all.
public enum StopReason: Sendable, Equatable, CustomStringConvertible {
    case canaryFailed(failed: Int, of: Int)
    case tooManyFailures(Int)
    /// A wave had failures, so the next one did not start.
    case waveFailed(group: String?)
    case interrupted(signal: String)

    public var description: String {
        switch self {
        case .canaryFailed(let failed, let of): "the canary failed (\(failed) of \(of) canary target(s) failed)"
        case .tooManyFailures(let count): "--max-failures reached (\(count) failure(s))"
        case .waveFailed(let group): "wave '\(group ?? "(no group)")' had failures, so later waves did not start"
        case .interrupted(let signal): "interrupted by \(signal)"
        }
    }
}

/// The scheduling decisions of a rollout, as a value: which targets may start now, given what
/// runs and what has ended. No processes, no clock: the pool asks `next()`, starts what it
/// gets, and reports each end with `finish`.
///
/// Order: waves by group, in the order groups first appear in the list, each in list order. A
/// wave starts when the one before it has ended with no failure. The first `canary` targets of
/// that order run before any other; one failure among them stops the rollout.
public struct Rollout: Sendable {
    public enum State: Sendable, Equatable { case pending, running, succeeded, failed }

    public let targets: [FleetTarget]
    public let policy: RolloutPolicy
    /// Target indices in the order they may start: wave by wave.
    public let order: [Int]
    private let waveOf: [Int]
    private let canaries: Set<Int>
    public private(set) var states: [State]
    public private(set) var stopReason: StopReason?
    private var runningPerHost: [String: Int] = [:]

    public init(targets: [FleetTarget], policy: RolloutPolicy) {
        self.targets = targets
        self.policy = policy
        var groups: [String?] = []
        for target in targets where !groups.contains(target.group) { groups.append(target.group) }
        var waveOf = [Int](repeating: 0, count: targets.count)
        var order: [Int] = []
        for (wave, group) in groups.enumerated() {
            for index in targets.indices where targets[index].group == group {
                waveOf[index] = wave
                order.append(index)
            }
        }
        self.order = order
        self.waveOf = waveOf
        canaries = Set(order.prefix(policy.canary))
        states = Array(repeating: .pending, count: targets.count)
    }

    public var running: [Int] { states.indices.filter { states[$0] == .running } }
    public var failures: Int { states.filter { $0 == .failed }.count }
    public var notStarted: [Int] { order.filter { states[$0] == .pending } }

    /// Nothing runs and nothing more will start.
    public var isFinished: Bool {
        guard running.isEmpty else { return false }
        var copy = self
        return copy.next().isEmpty
    }

    /// The targets to start now, marked running.
    public mutating func next() -> [Int] {
        guard stopReason == nil else { return [] }
        var candidates: [Int]
        let pendingCanaries = order.filter { canaries.contains($0) && states[$0] == .pending }
        let canariesRunning = canaries.contains { states[$0] == .running }
        if !pendingCanaries.isEmpty || canariesRunning {
            candidates = pendingCanaries
        } else {
            let canaryFailures = canaries.filter { states[$0] == .failed }.count
            if canaryFailures > 0 {
                stopReason = .canaryFailed(failed: canaryFailures, of: canaries.count)
                return []
            }
            guard let current = order.first(where: { states[$0] == .pending || states[$0] == .running }).map({ waveOf[$0] }) else {
                return []
            }
            if let failedEarlier = order.first(where: { waveOf[$0] < current && states[$0] == .failed }) {
                stopReason = .waveFailed(group: targets[failedEarlier].group)
                return []
            }
            candidates = order.filter { waveOf[$0] == current && states[$0] == .pending }
        }
        var started: [Int] = []
        var runningCount = running.count
        for index in candidates where runningCount < policy.parallel {
            let host = targets[index].host
            if let cap = policy.perHost, runningPerHost[host, default: 0] >= cap { continue }
            states[index] = .running
            runningPerHost[host, default: 0] += 1
            runningCount += 1
            started.append(index)
        }
        return started
    }

    /// A started target ended.
    public mutating func finish(_ index: Int, succeeded: Bool) {
        guard states[index] == .running else { return }
        states[index] = succeeded ? .succeeded : .failed
        runningPerHost[targets[index].host, default: 1] -= 1
        if !succeeded, stopReason == nil, let limit = policy.maxFailures, failures >= limit {
            stopReason = .tooManyFailures(failures)
        }
    }

    /// Start nothing more (an interruption); what runs is left to end.
    public mutating func stop(_ reason: StopReason) {
        if stopReason == nil { stopReason = reason }
    }
}
