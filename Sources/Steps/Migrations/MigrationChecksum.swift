/// Prisma's migration checksum: lowercase hex SHA-256 of the exact bytes of `migration.sql`.
/// A stored checksum still matches when the file only changed line endings (a checkout with
/// autocrlf), as Prisma compares: the file as is, with CRLF→LF, and with LF→CRLF.
public enum MigrationChecksum {
    public static func of(_ bytes: [UInt8]) -> String { SHA256.hexDigest(bytes) }

    /// `digest`, when given, is `of(bytes)` already computed.
    public static func matches(_ stored: String, bytes: [UInt8], digest: String? = nil) -> Bool {
        // The usual case, a row Prisma or plan wrote for this very file: nothing to convert.
        if let digest, digest == stored { return true }
        let stored = stored.lowercased()
        // Rows written by Prisma before prisma-engines#1887 hold hex without zero padding.
        let legacy = !stored.isEmpty && stored.count != 64
        func matches(_ digest: String) -> Bool { digest == stored || (legacy && unpadded(digest) == stored) }
        // The converted copies are made only when the file as is does not match (the usual
        // case needs one hash and no copy).
        return matches(digest ?? of(bytes)) || matches(of(crlfToLF(bytes))) || matches(of(lfToCRLF(bytes)))
    }

    /// The old `{:x}`-per-byte format: each byte's leading zero dropped.
    static func unpadded(_ digest: String) -> String {
        var out = ""
        var index = digest.startIndex
        while index < digest.endIndex {
            let next = digest.index(index, offsetBy: 2)
            let pair = digest[index..<next]
            out += pair.first == "0" ? String(pair.dropFirst()) : String(pair)
            index = next
        }
        return out
    }

    static func crlfToLF(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                index += 1
                continue
            }
            out.append(bytes[index])
            index += 1
        }
        return out
    }

    /// Every LF becomes CRLF, even one already after a CR: Prisma's `replace("\n", "\r\n")`.
    static func lfToCRLF(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 16)
        for byte in bytes {
            if byte == 0x0A { out.append(0x0D) }
            out.append(byte)
        }
        return out
    }
}
