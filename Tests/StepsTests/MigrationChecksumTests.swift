import Foundation
import TestSupport
import Testing

@testable import Steps

@Suite("Prisma migration checksums")
struct MigrationChecksumTests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("hello", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func matchesTheStandardVectors(text: String, digest: String) {
        #expect(MigrationChecksum.of(Array(text.utf8)) == digest)
    }

    /// Every length around the 55/56/64-byte padding boundaries, against sha256sum.
    @Test func agreesWithSha256sumAcrossBlockBoundaries() throws {
        for length in [1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 4096, 65537] {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            #expect(MigrationChecksum.of(bytes) == sha256sum(bytes), "length \(length)")
        }
    }

    @Test func lineEndingVariantsMatchAsPrismaComparesThem() {
        let lf = Array("CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n".utf8)
        let crlf = Array("CREATE TABLE a (id int);\r\nCREATE TABLE b (id int);\r\n".utf8)
        #expect(MigrationChecksum.matches(MigrationChecksum.of(lf), bytes: crlf))
        #expect(MigrationChecksum.matches(MigrationChecksum.of(crlf), bytes: lf))
        #expect(!MigrationChecksum.matches(MigrationChecksum.of(lf), bytes: Array("CREATE TABLE a (id bigint);\n".utf8)))
    }

    /// Rows from Prisma before prisma-engines#1887 hold each byte's hex without its leading zero.
    @Test func legacyUnpaddedChecksumsMatch() {
        let bytes = Array("hello".utf8)
        // 2c f2 4d ba 5f b0 a3 0e 26 e8 3b 2a c5 b9 e2 9e 1b 16 1e 5c 1f a7 42 5e 73 04 33 62 93 8b 98 24
        let unpadded = "2cf24dba5fb0a3e26e83b2ac5b9e29e1b161e5c1fa7425e7343362938b9824"
        #expect(MigrationChecksum.matches(unpadded, bytes: bytes))
        #expect(!MigrationChecksum.matches(unpadded, bytes: Array("hellp".utf8)))
    }
}
