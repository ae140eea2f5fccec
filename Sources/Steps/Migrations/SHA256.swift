import SHA256Blocks

/// SHA-256 (FIPS 180-4), for Prisma's migration checksums. Written here rather than pulling in a
/// crypto package for one hash over files of a few kilobytes. Blocks go through the CPU's SHA
/// extensions where it has them (SHA256Blocks: ~10 times faster; this function was the largest
/// single cost of a nothing-pending run over 500 migrations), else through `compress` below.
struct SHA256 {
    enum BlockFunction {
        /// SHA256Blocks, on the CPU's SHA extensions.
        case cpuExtensions
        /// `compress`, in portable Swift.
        case portable
    }

    /// What this CPU runs: the extensions when it has them.
    static let preferredBlockFunction: BlockFunction = plan_sha256_blocks_available() ? .cpuExtensions : .portable

    /// Lowercase hex digest of `bytes`. Whole blocks are hashed in place; the padded tail (one
    /// or two blocks), the message schedule and the digest's digits live on the stack: a folder
    /// of 500 small migrations spent a third of its hashing allocating them.
    static func hexDigest(_ bytes: [UInt8], using blockFunction: BlockFunction = preferredBlockFunction) -> String {
        var h: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
            0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
        )
        let wholeBlocks = bytes.count / 64
        let remaining = bytes.count - wholeBlocks * 64
        // The bytes after the last whole block, 0x80, zeros, and the length in bits: 64 bytes,
        // or 128 when fewer than 9 bytes of the block are left for the marker and the length.
        let tailBlocks = remaining < 56 ? 1 : 2
        bytes.withUnsafeBufferPointer { message in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { tail in
                let padded = UnsafeMutableBufferPointer(rebasing: tail[..<(tailBlocks * 64)])
                padded.initialize(repeating: 0)
                if remaining > 0 {
                    padded.baseAddress!.update(from: message.baseAddress! + wholeBlocks * 64, count: remaining)
                }
                padded[remaining] = 0x80
                let bitLength = UInt64(bytes.count) &* 8
                for index in 0..<8 { padded[padded.count - 1 - index] = UInt8(truncatingIfNeeded: bitLength >> UInt64(index * 8)) }

                switch blockFunction {
                case .cpuExtensions:
                    // The eight words of a homogeneous tuple are laid out contiguously.
                    withUnsafeMutableBytes(of: &h) { state in
                        let words = state.baseAddress!.assumingMemoryBound(to: UInt32.self)
                        if wholeBlocks > 0 { plan_sha256_blocks(words, message.baseAddress!, wholeBlocks) }
                        plan_sha256_blocks(words, padded.baseAddress!, tailBlocks)
                    }
                case .portable:
                    // The round constants through a pointer: read from a Swift global array
                    // inside the rounds, each access paid the global's initialisation check and
                    // a bounds check.
                    let k = UnsafeBufferPointer(start: plan_sha256_round_constants(), count: 64)
                    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                        for block in 0..<wholeBlocks {
                            compress(message.baseAddress! + block * 64, into: &h, schedule: w, constants: k)
                        }
                        for block in 0..<tailBlocks { compress(padded.baseAddress! + block * 64, into: &h, schedule: w, constants: k) }
                    }
                }
            }
        }
        return String(unsafeUninitializedCapacity: 64) { out in
            func put(_ word: UInt32, at offset: Int) {
                for digit in 0..<8 {
                    let nibble = UInt8(truncatingIfNeeded: word >> UInt32(28 - digit * 4)) & 0xf
                    out[offset + digit] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble
                }
            }
            put(h.0, at: 0)
            put(h.1, at: 8)
            put(h.2, at: 16)
            put(h.3, at: 24)
            put(h.4, at: 32)
            put(h.5, at: 40)
            put(h.6, at: 48)
            put(h.7, at: 56)
            return 64
        }
    }

    private static func compress(
        _ block: UnsafePointer<UInt8>, into h: inout (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32),
        schedule w: UnsafeMutableBufferPointer<UInt32>, constants k: UnsafeBufferPointer<UInt32>
    ) {
        for i in 0..<16 {
            w[i] = UInt32(block[i * 4]) << 24 | UInt32(block[i * 4 + 1]) << 16 | UInt32(block[i * 4 + 2]) << 8 | UInt32(block[i * 4 + 3])
        }
        for i in 16..<64 {
            let s0 = w[i - 15].rotatedRight(7) ^ w[i - 15].rotatedRight(18) ^ (w[i - 15] >> 3)
            let s1 = w[i - 2].rotatedRight(17) ^ w[i - 2].rotatedRight(19) ^ (w[i - 2] >> 10)
            w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, hh) = h
        for i in 0..<64 {
            let s1 = e.rotatedRight(6) ^ e.rotatedRight(11) ^ e.rotatedRight(25)
            let choice = (e & f) ^ (~e & g)
            let t1 = hh &+ s1 &+ choice &+ k[i] &+ w[i]
            let s0 = a.rotatedRight(2) ^ a.rotatedRight(13) ^ a.rotatedRight(22)
            let majority = (a & b) ^ (a & c) ^ (b & c)
            (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ s0 &+ majority)
        }
        h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e, h.5 &+ f, h.6 &+ g, h.7 &+ hh)
    }
}

extension UInt32 {
    fileprivate func rotatedRight(_ count: UInt32) -> UInt32 { (self >> count) | (self << (32 - count)) }
}
