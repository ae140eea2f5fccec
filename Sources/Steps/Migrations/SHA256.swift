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

    private static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]

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
                    // The round constants through a pointer taken once: read from the global
                    // array inside the rounds, each access paid the global's initialisation
                    // check and a bounds check.
                    k.withUnsafeBufferPointer { k in
                        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
                            for block in 0..<wholeBlocks {
                                compress(message.baseAddress! + block * 64, into: &h, schedule: w, constants: k)
                            }
                            for block in 0..<tailBlocks { compress(padded.baseAddress! + block * 64, into: &h, schedule: w, constants: k) }
                        }
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
