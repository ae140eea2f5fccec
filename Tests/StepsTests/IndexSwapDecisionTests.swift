import Testing

@testable import Steps

/// The swap's recovery decision (`IndexSwap.decide`) over every catalog state of its three
/// names: each planned action list, played on a model of the catalog, must end with exactly one
/// valid index of the wanted definition under the step's name, never leave the name without a
/// valid index it had, and never drop a valid `_plan_old` while the name has none.
@Suite("index swap: recovery decision")
struct IndexSwapDecisionTests {
    typealias Facts = IndexSwap.IndexFacts
    let swap = IndexSwap(name: "items_idx", schema: "public")

    static let builder = IndexCatalog.Builder(pid: 42, phase: "building index", isDeploy: false)
    static let validMatching = Facts(valid: true, matches: true)
    static let validOther = Facts(valid: true, matches: false)
    static let invalidMatching = Facts(valid: false, matches: true)
    static let invalidOther = Facts(valid: false, matches: false)
    static let beingBuilt = Facts(valid: false, matches: true, builder: builder)
    /// Every state one name can be in (nil: no index of that name).
    static let states: [Facts?] = [nil, validMatching, validOther, invalidMatching, invalidOther, beingBuilt]

    static var allCatalogs: [IndexSwap.Facts] {
        states.flatMap { current in
            states.flatMap { new in states.map { old in IndexSwap.Facts(current: current, new: new, old: old) } }
        }
    }

    /// Plays `actions` on the catalog model; records the first broken rule.
    static func play(_ actions: [IndexSwap.Action], on start: IndexSwap.Facts) -> (end: IndexSwap.Facts, broken: String?) {
        var state = start
        for action in actions {
            let served = state.current?.valid == true
            switch action {
            case .dropCurrent:
                guard let current = state.current, !current.valid, current.builder == nil else {
                    return (state, "dropCurrent of \(String(describing: state.current))")
                }
                state.current = nil
            case .dropNew:
                guard let new = state.new, new.builder == nil else { return (state, "dropNew of \(String(describing: state.new))") }
                state.new = nil
            case .dropOld, .dropReplaced:
                guard let old = state.old else { return (state, "\(action) of nothing") }
                if old.valid, state.current?.valid != true { return (state, "\(action) dropped the only valid index") }
                state.old = nil
            case .restoreOld:
                guard state.current == nil, let old = state.old, old.valid else { return (state, "restoreOld in \(state)") }
                state.current = old
                state.old = nil
            case .buildInPlace:
                guard state.current == nil else { return (state, "buildInPlace over \(String(describing: state.current))") }
                state.current = validMatching
            case .buildNew:
                guard state.new == nil else { return (state, "buildNew over \(String(describing: state.new))") }
                state.new = validMatching
            case .measureNew:
                guard state.new == validMatching else { return (state, "measureNew of \(String(describing: state.new))") }
            case .swap:
                guard state.current?.valid == true, state.new == validMatching, state.old == nil else { return (state, "swap in \(state)") }
                state.old = state.current
                state.current = state.new
                state.new = nil
            }
            if served, state.current?.valid != true { return (state, "\(action) left the name without a valid index") }
        }
        return (state, nil)
    }

    @Test(arguments: [true, false])
    func everyCatalogStateEndsWithOneValidIndexOrIsLeftToThePlainStep(rebuildsInvalid: Bool) {
        var counts: [String: Int] = [:]
        for facts in Self.allCatalogs {
            let decision = swap.decide(facts, rebuildsInvalid: rebuildsInvalid)
            let newIsBeingBuilt = facts.new?.builder != nil
            switch decision {
            case .refuse(let reason):
                counts["refuse", default: 0] += 1
                #expect(newIsBeingBuilt, "\(facts)")
                #expect(reason.contains("public.items_idx_plan_new is being built right now by another session (pid 42"))
            case .notSwapping:
                counts["plain step", default: 0] += 1
                #expect(!newIsBeingBuilt, "\(facts)")
                let done = facts.current == Self.validMatching && facts.new == nil && facts.old == nil
                // An INVALID index under the name the plain step reports (being built) or fails on (on_invalid: fail).
                let leftToThePlainStep = facts.current?.valid == false && (facts.current?.builder != nil || !rebuildsInvalid)
                #expect(done || leftToThePlainStep, "\(facts)")
            case .run(let actions):
                counts["run", default: 0] += 1
                #expect(!newIsBeingBuilt, "\(facts)")
                let (end, broken) = Self.play(actions, on: facts)
                #expect(broken == nil, "\(facts): \(actions): \(broken ?? "")")
                #expect(end == IndexSwap.Facts(current: Self.validMatching, new: nil, old: nil), "\(facts): \(actions) ends in \(end)")
                // A swap always passes the gate first.
                if let swapAt = actions.firstIndex(of: .swap) {
                    #expect(swapAt > 0 && actions[swapAt - 1] == .measureNew, "\(facts): \(actions)")
                    #expect(actions.last == .dropReplaced, "\(facts): \(actions)")
                }
            }
        }
        #expect(counts.values.reduce(0, +) == 216)
        #expect(counts["refuse"] == 36)
    }

    /// The states a swap can be interrupted in, and what a re-run does from each.
    @Test func theStatesAnInterruptedSwapLeaves() {
        func decide(_ current: Facts?, _ new: Facts?, _ old: Facts?, rebuildsInvalid: Bool = true) -> IndexSwap.Decision {
            swap.decide(IndexSwap.Facts(current: current, new: new, old: old), rebuildsInvalid: rebuildsInvalid)
        }
        let fullSwap: [IndexSwap.Action] = [.buildNew, .measureNew, .swap, .dropReplaced]
        let interruptedBuild = IndexSwap.Action.dropNew(why: "INVALID, left by an earlier interrupted build")
        let afterSwap = IndexSwap.Action.dropOld(why: "left by an earlier swap that was interrupted before dropping it")
        // Nothing yet; no index of that name; the one asked for.
        #expect(decide(Self.validOther, nil, nil) == .run(fullSwap))
        #expect(decide(nil, nil, nil) == .run([.buildInPlace]))
        #expect(decide(Self.validMatching, nil, nil) == .notSwapping)
        // Killed while building NAME_plan_new, after it, after the rename, during the last drop.
        #expect(decide(Self.validOther, Self.invalidMatching, nil) == .run([interruptedBuild] + fullSwap))
        #expect(decide(Self.validOther, Self.validMatching, nil) == .run([.measureNew, .swap, .dropReplaced]))
        #expect(decide(Self.validMatching, nil, Self.validOther) == .run([afterSwap]))
        #expect(decide(Self.validMatching, nil, Self.invalidOther) == .run([afterSwap]))
        // The name renamed away by hand: the old index gets it back, then is compared as usual.
        #expect(decide(nil, nil, Self.validMatching) == .run([.restoreOld]))
        #expect(decide(nil, nil, Self.validOther) == .run([.restoreOld] + fullSwap))
        // An INVALID index under the name (a failed plain build) while NAME_plan_old is valid:
        // the valid one gets the name back rather than being dropped.
        #expect(decide(Self.invalidMatching, nil, Self.validOther) == .run([.dropCurrent, .restoreOld] + fullSwap))
        #expect(decide(Self.invalidMatching, Self.validMatching, nil) == .run([.dropCurrent, interruptedBuildAsLeftover, .buildInPlace]))
        // on_invalid: fail, or a build under way: the plain step reports it and nothing is dropped.
        #expect(decide(Self.invalidMatching, nil, Self.validOther, rebuildsInvalid: false) == .notSwapping)
        #expect(decide(Self.beingBuilt, Self.invalidOther, Self.validOther) == .notSwapping)
        if case .refuse = decide(Self.validOther, Self.beingBuilt, nil) {
        } else {
            Issue.record("a NAME_plan_new being built is waited for")
        }
    }

    let interruptedBuildAsLeftover = IndexSwap.Action.dropNew(why: "left by an earlier interrupted build")

    @Test func temporaryNamesStayWithinPostgreSQLsLimitAndApart() {
        let long = String(repeating: "a", count: 60)
        let other = long + "b"
        let first = IndexSwap.temporaryName(long, suffix: "_plan_new")
        #expect(first.utf8.count <= 63 && first.hasSuffix("_plan_new"))
        #expect(first != IndexSwap.temporaryName(other, suffix: "_plan_new"))
        #expect(first == IndexSwap.temporaryName(long, suffix: "_plan_new"), "stable, so a re-run finds it")
        #expect(IndexSwap.temporaryName("items_idx", suffix: "_plan_old") == "items_idx_plan_old")
    }
}
