import Fleet
import PlanModel
import Testing

@Suite struct ShardTests {
    private let names = (1...100).map { "tenant-\($0)" }

    @Test func slicesOneToNCoverEveryTargetExactlyOnce() throws {
        for count in [1, 2, 4, 7] {
            let shards = try (1...count).map { try #require(Shard("\($0)/\(count)")) }
            for name in names {
                #expect(shards.filter { $0.contains(name) }.count == 1, "\(name) in \(count) slices")
            }
        }
        // Four slices of a hundred names: none empty, none holding most of them.
        let sizes = try (1...4).map { index in try #require(Shard("\(index)/4")).slice(targets(names)).count }
        #expect(sizes.reduce(0, +) == 100)
        #expect(sizes.allSatisfy { $0 >= 10 && $0 <= 40 }, "\(sizes)")
    }

    @Test func aTargetKeepsItsSliceWhenTheListChanges() throws {
        let shard = try #require(Shard("2/4"))
        let before = shard.slice(targets(names)).map(\.name)
        let changed = ["new-a", "new-b"] + names.reversed().filter { $0 != "tenant-7" }
        let after = shard.slice(targets(changed)).map(\.name)
        #expect(Set(before.filter { $0 != "tenant-7" }).isSubset(of: Set(after)))
    }

    @Test func indicesAreOneBased() {
        #expect(Shard("0/4") == nil)
        #expect(Shard("5/4") == nil)
        #expect(Shard("1/0") == nil)
        #expect(Shard("x/4") == nil)
        #expect(Shard("4/4")?.description == "4/4")
    }

    private func targets(_ names: [String]) -> [FleetTarget] {
        names.map { FleetTarget(name: $0, url: Secret("postgresql://h/\($0)")) }
    }
}
