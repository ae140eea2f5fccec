internal import CLibCrypto

/// SHA-256, for Prisma's migration checksums, from the system's libcrypto (OpenSSL).
enum SHA256 {
    /// Fetched once: OpenSSL 3 looks the algorithm up in its provider tables on every implicit
    /// fetch, which cost more than hashing a small migration. Never freed: it lives as long as the
    /// process, as OpenSSL's own tables do. `nonisolated(unsafe)`: a fetched EVP_MD is immutable
    /// and OpenSSL documents it as usable from any thread at once.
    nonisolated(unsafe) private static let algorithm: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil)

    /// Lowercase hex digest of `bytes`.
    static func hexDigest(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let succeeded = bytes.withUnsafeBytes { message in
            EVP_Digest(message.baseAddress, message.count, &digest, &length, algorithm ?? EVP_sha256(), nil)
        }
        // EVP_Digest fails only when OpenSSL cannot allocate its context: nothing to recover.
        precondition(succeeded == 1 && length == 32, "OpenSSL's SHA-256 failed")
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in digest[0..<32] {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
