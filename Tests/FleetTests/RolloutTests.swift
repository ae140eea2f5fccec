import Fleet
import PlanModel
import Testing

/// The rollout's decisions, step by step: what may start, given what runs and what ended.
@Suite struct RolloutTests {
    private func targets(_ specs: [(String, String?, String?)]) -> [FleetTarget] {
        specs.map { FleetTarget(name: $0.0, url: Secret("postgresql://h/\($0.0)"), group: $0.1, host: $0.2) }
    }

    private func names(_ rollout: Rollout, _ indices: [Int]) -> [String] { indices.map { rollout.targets[$0].name } }

    @Test func parallelLimitsHowManyRunAndEndsMakeRoom() {
        var rollout = Rollout(targets: targets((1...5).map { ("t\($0)", nil, nil) }), policy: RolloutPolicy(parallel: 2))
        #expect(names(rollout, rollout.next()) == ["t1", "t2"])
        #expect(rollout.next().isEmpty)
        rollout.finish(0, succeeded: true)
        #expect(names(rollout, rollout.next()) == ["t3"])
        rollout.finish(1, succeeded: false)
        rollout.finish(2, succeeded: true)
        #expect(names(rollout, rollout.next()) == ["t4", "t5"])
        rollout.finish(3, succeeded: true)
        rollout.finish(4, succeeded: true)
        #expect(rollout.isFinished)
        #expect(rollout.stopReason == nil)
        #expect(rollout.failures == 1)
    }

    @Test func perHostCapSkipsToTargetsOnOtherHosts() {
        let list = targets([("a1", nil, "a"), ("a2", nil, "a"), ("a3", nil, "a"), ("b1", nil, "b")])
        var rollout = Rollout(targets: list, policy: RolloutPolicy(parallel: 8, perHost: 2))
        #expect(names(rollout, rollout.next()) == ["a1", "a2", "b1"])
        rollout.finish(0, succeeded: true)
        #expect(names(rollout, rollout.next()) == ["a3"])
    }

    @Test func aFailedCanaryStopsBeforeAnyOtherTargetStarts() {
        var rollout = Rollout(targets: targets((1...4).map { ("t\($0)", nil, nil) }), policy: RolloutPolicy(parallel: 8, canary: 1))
        #expect(names(rollout, rollout.next()) == ["t1"])
        #expect(rollout.next().isEmpty)
        rollout.finish(0, succeeded: false)
        #expect(rollout.next().isEmpty)
        #expect(rollout.stopReason == .canaryFailed(failed: 1, of: 1))
        #expect(rollout.isFinished)
        #expect(names(rollout, rollout.notStarted) == ["t2", "t3", "t4"])
    }

    @Test func aGoodCanaryLetsTheRestRun() {
        var rollout = Rollout(targets: targets((1...4).map { ("t\($0)", nil, nil) }), policy: RolloutPolicy(parallel: 8, canary: 2))
        #expect(names(rollout, rollout.next()) == ["t1", "t2"])
        rollout.finish(0, succeeded: true)
        #expect(rollout.next().isEmpty)
        rollout.finish(1, succeeded: true)
        #expect(names(rollout, rollout.next()) == ["t3", "t4"])
    }

    @Test func wavesRunInOrderOfFirstAppearanceAndAFailedWaveStopsTheNext() {
        let list = targets([("s1", "staging", nil), ("e1", "eu", nil), ("s2", "staging", nil), ("u1", "us", nil)])
        var rollout = Rollout(targets: list, policy: RolloutPolicy(parallel: 8))
        #expect(names(rollout, rollout.order) == ["s1", "s2", "e1", "u1"])
        #expect(names(rollout, rollout.next()) == ["s1", "s2"])
        rollout.finish(0, succeeded: true)
        #expect(rollout.next().isEmpty)
        rollout.finish(2, succeeded: true)
        #expect(names(rollout, rollout.next()) == ["e1"])
        rollout.finish(1, succeeded: false)
        #expect(rollout.next().isEmpty)
        #expect(rollout.stopReason == .waveFailed(group: "eu"))
        #expect(names(rollout, rollout.notStarted) == ["u1"])
    }

    @Test func maxFailuresStopsStartingButLetsRunningOnesEnd() {
        var rollout = Rollout(
            targets: targets((1...6).map { ("t\($0)", nil, nil) }), policy: RolloutPolicy(parallel: 3, maxFailures: 2))
        #expect(rollout.next().count == 3)
        rollout.finish(0, succeeded: false)
        #expect(names(rollout, rollout.next()) == ["t4"])
        rollout.finish(1, succeeded: false)
        #expect(rollout.stopReason == .tooManyFailures(2))
        #expect(rollout.next().isEmpty)
        #expect(!rollout.isFinished)
        rollout.finish(2, succeeded: true)
        rollout.finish(3, succeeded: true)
        #expect(rollout.isFinished)
        #expect(names(rollout, rollout.notStarted) == ["t5", "t6"])
    }

    @Test func anInterruptionStartsNothingMore() {
        var rollout = Rollout(targets: targets((1...3).map { ("t\($0)", nil, nil) }), policy: RolloutPolicy(parallel: 1))
        _ = rollout.next()
        rollout.stop(.interrupted(signal: "SIGINT"))
        rollout.finish(0, succeeded: false)
        #expect(rollout.next().isEmpty)
        #expect(rollout.isFinished)
        #expect(rollout.stopReason?.description == "interrupted by SIGINT")
    }
}
