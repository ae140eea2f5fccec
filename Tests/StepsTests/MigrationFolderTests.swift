import Foundation
import TestSupport
import Testing

@testable import Steps

@Suite("migrations folder")
struct MigrationFolderTests {
    @Test func listsDirectoriesInByteOrderIgnoringFilesAndSymlinks() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("m/2_b/migration.sql", "SELECT 2;\n")
        try dir.write("m/1_a/migration.sql", "SELECT 1;\n")
        try dir.write("m/4_c/migration.sql", "SELECT 4;\n")
        try dir.write("m/migration_lock.toml", "provider = \"postgresql\"\n")
        try dir.write("m/notes.txt", "not a migration\n")
        try dir.write("elsewhere/9_linked/migration.sql", "SELECT 9;\n")
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/m/9_linked", withDestinationPath: dir.path + "/elsewhere/9_linked")
        try FileManager.default.createDirectory(atPath: dir.path + "/m/3_empty", withIntermediateDirectories: true)

        let folder = try MigrationFolder.load(dir.path + "/m")
        #expect(folder.migrations.map(\.name) == ["1_a", "2_b", "3_empty", "4_c"])
        #expect(folder.migrations[0].script == Array("SELECT 1;\n".utf8))
        #expect(folder.migrations[2].script == nil)
        #expect(folder.warnings.isEmpty)
    }

    @Test func warnsWhenPrismaWouldSortDifferently() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("m/1_a/migration.sql", "SELECT 1;\n")
        try dir.write("m/1_B/migration.sql", "SELECT 2;\n")
        let folder = try MigrationFolder.load(dir.path + "/m")
        #expect(folder.migrations.map(\.name) == ["1_B", "1_a"])
        #expect(folder.warnings.count == 1)
        #expect(folder.warnings.first?.contains("would see '1_a' where plan sees '1_B'") == true)
    }

    @Test func sortingByPrecomputedKeysAgreesWithPairwiseComparison() {
        let names = ["20240101_b", "20240101_B", "20240101_a", "2024_x", "20240101-a", "20240101 a", "Z", "z", "é", "e", "10", "9", "_"]
        #expect(LocaleCollation.sorted(names) == names.sorted(by: LocaleCollation.precedes))
    }

    @Test func byteOrderIsTheOrderOfTheUTF8Bytes() {
        let names = ["20240101_b", "20240101_B", "2024", "20240101", "", "é", "e", "ü_1", "z", "_", "20240101_a\u{301}"]
        for a in names {
            for b in names {
                #expect(MigrationFolder.bytewisePrecedes(a, b) == a.utf8.lexicographicallyPrecedes(b.utf8), "\(a) < \(b)")
            }
        }
    }

    @Test func warnsWhenOnlyALaterPairDisagrees() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        for name in ["1_init", "2_users", "3_a", "3_B"] { try dir.write("m/\(name)/migration.sql", "SELECT 1;\n") }
        let folder = try MigrationFolder.load(dir.path + "/m")
        #expect(folder.migrations.map(\.name) == ["1_init", "2_users", "3_B", "3_a"])
        #expect(folder.warnings.first?.contains("would see '3_a' where plan sees '3_B'") == true, "\(folder.warnings)")
    }

    @Test func asciiFastPathGivesTheUnicodeWeights() {
        for value in UInt32(0)...0x7F {
            let scalar = Unicode.Scalar(value)!
            #expect(LocaleCollation.weights(scalar) == LocaleCollation.unicodeWeights(scalar), "U+\(String(value, radix: 16))")
        }
    }

    @Test func checksumMatchesAsIsAndWithOtherLineEndings() {
        let lf = Array("SELECT 1;\nSELECT 2;\n".utf8)
        let crlf = Array("SELECT 1;\r\nSELECT 2;\r\n".utf8)
        #expect(MigrationChecksum.matches(MigrationChecksum.of(lf), bytes: lf))
        #expect(MigrationChecksum.matches(MigrationChecksum.of(lf), bytes: crlf))
        #expect(MigrationChecksum.matches(MigrationChecksum.of(crlf), bytes: lf))
        #expect(!MigrationChecksum.matches(MigrationChecksum.of(lf), bytes: Array("SELECT 3;\n".utf8)))
        #expect(MigrationChecksum.matches(MigrationChecksum.of(lf).uppercased(), bytes: lf), "stored hex is compared without case")
    }
}
