import PlanModel
import SQL

/// `replace:` as data: the names a swap uses, what the catalog says about them, and the actions
/// that take any state a swap can be interrupted in to one valid index under the step's name.
///
/// The protocol, each point of which a re-run recognises by the deterministic names:
/// 1. CREATE INDEX CONCURRENTLY `NAME_plan_new` (the wanted definition) beside `NAME`;
/// 2. measure its recall (or only check that it is valid, `when: always`); below the threshold,
///    DROP INDEX CONCURRENTLY it and fail, `NAME` untouched;
/// 3. one transaction: `NAME` → `NAME_plan_old`, `NAME_plan_new` → `NAME` (renames commit
///    together, so `NAME` always names a valid index);
/// 4. DROP INDEX CONCURRENTLY `NAME_plan_old`.
/// The decision is a pure function of catalog facts, so the dry-run shows what a run would do.
struct IndexSwap: Equatable {
    let name: String
    let schema: String

    /// PostgreSQL keeps 63 bytes of a name: a long one is shortened, and a hash of the whole
    /// keeps two long names that share a prefix apart.
    static func temporaryName(_ name: String, suffix: String) -> String {
        let limit = 63
        if name.utf8.count + suffix.utf8.count <= limit { return name + suffix }
        // FNV-1a: stable across runs and platforms (Swift's hashValue is seeded per process).
        var hash: UInt32 = 2_166_136_261
        for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let tag = "_" + String(hash % 0x100_0000, radix: 16)
        var prefix = ""
        for character in name where prefix.utf8.count + String(character).utf8.count + tag.utf8.count + suffix.utf8.count <= limit {
            prefix.append(character)
        }
        return prefix + tag + suffix
    }

    var newName: String { Self.temporaryName(name, suffix: "_plan_new") }
    var oldName: String { Self.temporaryName(name, suffix: "_plan_old") }

    func qualified(_ index: String) -> String { IndexSQL.qualified(schema, index) }

    /// What the catalog says about one of the three names.
    struct IndexFacts: Equatable {
        var valid: Bool
        /// Its definition is the one the step asks for.
        var matches: Bool
        /// A session building it right now (not a leftover).
        var builder: IndexCatalog.Builder?
    }

    struct Facts: Equatable {
        /// Under the step's name.
        var current: IndexFacts?
        var new: IndexFacts?
        var old: IndexFacts?
    }

    enum Action: Equatable {
        /// DROP INDEX CONCURRENTLY of a temporary index an earlier run left.
        case dropNew(why: String)
        case dropOld(why: String)
        /// DROP INDEX CONCURRENTLY of an INVALID index under the step's name (a failed build's).
        case dropCurrent
        /// The step's name has no valid index but `_plan_old` has one: give it back.
        case restoreOld
        /// Nothing to keep serving: build under the step's name directly.
        case buildInPlace
        case buildNew
        /// The gate: recall at least the threshold, or (`when: always`) only valid.
        case measureNew
        /// The rename transaction.
        case swap
        /// The old index, once the new one has its name.
        case dropReplaced
    }

    enum Decision: Equatable {
        /// Nothing for the swap to do: the plain step handles it (build, skip, an INVALID index).
        case notSwapping
        case run([Action])
        case refuse(String)
    }

    /// The actions for these facts, in order. Never drops the only valid index: a valid
    /// `_plan_old` goes only once the step's name holds a valid index (or gets the name back when
    /// that holds none), and an INVALID index under the name is dropped only when nobody is
    /// building it and `on_invalid` is `rebuild`; otherwise the plain step reports it.
    func decide(_ facts: Facts, rebuildsInvalid: Bool = true) -> Decision {
        if let new = facts.new, !new.valid, let builder = new.builder {
            return .refuse(
                "index \(schema).\(newName) is being built right now by another session (\(builder.description)): wait for it to finish, then run again"
            )
        }
        var actions: [Action] = []
        var current = facts.current
        if let invalid = current, !invalid.valid {
            // Being built by someone else, or `on_invalid: fail`: the plain step says so, and the
            // leftovers wait (a valid `_plan_old` may be the only valid index).
            guard invalid.builder == nil, rebuildsInvalid else { return .notSwapping }
            actions.append(.dropCurrent)
            current = nil
        }
        if let old = facts.old {
            if current == nil, old.valid {
                actions.append(.restoreOld)
                current = old
            } else {
                actions.append(.dropOld(why: "left by an earlier swap that was interrupted before dropping it"))
            }
        }
        guard let current else {
            if facts.new != nil { actions.append(.dropNew(why: "left by an earlier interrupted build")) }
            return .run(actions + [.buildInPlace])
        }
        if current.matches {
            if facts.new != nil { actions.append(.dropNew(why: "left by an earlier swap; \(schema).\(name) is already the one asked for")) }
            return actions.isEmpty ? .notSwapping : .run(actions)
        }
        if let new = facts.new {
            if new.valid, new.matches {
                return .run(actions + [.measureNew, .swap, .dropReplaced])
            }
            actions.append(
                .dropNew(
                    why: new.valid ? "built by an earlier run with another definition" : "INVALID, left by an earlier interrupted build"))
        }
        return .run(actions + [.buildNew, .measureNew, .swap, .dropReplaced])
    }

    // MARK: - SQL

    func dropSQL(_ index: String) -> String { "DROP INDEX CONCURRENTLY IF EXISTS " + qualified(index) }

    /// The rename transaction's statements (between BEGIN and COMMIT).
    var swapStatements: [String] {
        [
            "ALTER INDEX " + qualified(name) + " RENAME TO " + SQLQuoting.identifier(oldName),
            "ALTER INDEX " + qualified(newName) + " RENAME TO " + SQLQuoting.identifier(name),
        ]
    }

    var restoreStatement: String { "ALTER INDEX " + qualified(oldName) + " RENAME TO " + SQLQuoting.identifier(name) }
}
