/// `--shard I/N`: the I-th (1-based, as `--shard 1/4` … `4/4` read) of N slices of a target list,
/// so several machines — a Kubernetes Indexed Job's pods, a CI matrix — split one fleet.
///
/// A target's slice is a hash of its name (64-bit FNV-1a, mixed by MurmurHash3's fmix64
/// finalizer, mod N), not its position: adding,
/// removing or reordering targets never moves another target to a different slice, so a
/// re-run of one slice after the list changed still covers the targets it covered before.
/// The slices are disjoint and together cover every target exactly once; with few targets they
/// can be uneven (the hash spreads names, it does not count them).
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// 1…count.
    public var index: Int
    public var count: Int

    public init?(index: Int, count: Int) {
        guard count >= 1, index >= 1, index <= count else { return nil }
        self.index = index
        self.count = count
    }

    /// `I/N` with 1 ≤ I ≤ N; nil otherwise.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        self.init(index: index, count: count)
    }

    public func contains(_ name: String) -> Bool {
        Int(Self.hash(name) % UInt64(count)) == index - 1
    }

    public func slice(_ targets: [FleetTarget]) -> [FleetTarget] { targets.filter { contains($0.name) } }

    public var description: String { "\(index)/\(count)" }

    /// FNV-1a, 64 bits, over the name's UTF-8, then fmix64 — FNV's low bits alone spread names
    /// that differ in one character (tenant-1, tenant-2, …) poorly over a few slices. Fixed by
    /// definition, so every machine and every version of plan put a name in the same slice
    /// (Swift's `Hasher` is seeded per process).
    static func hash(_ name: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        hash ^= hash >> 33
        hash = hash &* 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        hash = hash &* 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return hash
    }
}
