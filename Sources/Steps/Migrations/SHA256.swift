internal import CLibCrypto

/// SHA-256, for Prisma's migration checksums, from the system's libcrypto (OpenSSL).
enum SHA256 {
    /// Lowercase hex digest of `bytes`.
    static func hexDigest(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let succeeded = bytes.withUnsafeBytes { message in
            EVP_Digest(message.baseAddress, message.count, &digest, &length, EVP_sha256(), nil)
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
