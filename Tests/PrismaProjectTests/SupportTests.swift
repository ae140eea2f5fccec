import Testing

@testable import PrismaProject

/// Path arithmetic as Node's `path.resolve` does it, and positions that count characters.
@Suite struct SupportTests {
    @Test(arguments: [
        ("/a/b", "../c", "/a/c"), ("/a/b", "/x/./y/", "/x/y"), ("/a", "./my dir//s.prisma", "/a/my dir/s.prisma"),
        ("rel", "../../x", "../x"), ("/", "..", "/"),
    ])
    func resolve(base: String, relative: String, expected: String) {
        #expect(ProjectPath.resolve(relative, against: base) == expected)
    }

    @Test func directoryAndFileName() {
        #expect(ProjectPath.directory(of: "/a/b/schema.prisma") == "/a/b")
        #expect(ProjectPath.directory(of: "schema.prisma") == ".")
        #expect(ProjectPath.directory(of: "/schema.prisma") == "/")
        #expect(ProjectPath.fileName(of: "/a/b/schema.prisma") == "schema.prisma")
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let config = try PrismaConfigFile.read(
            path: "c.ts", text: "// ünïcødé\nexport default { /* é */ schema: 'é/s.prisma' }", needs: .init())
        #expect(config.schema?.location == PrismaLocation(file: "c.ts", line: 2, column: 34))
        #expect(config.schema?.path == "é/s.prisma")
    }

    @Test func regularExpressionsAndEscapesDoNotConfuseTheTokenizer() throws {
        let config = try PrismaConfigFile.read(
            path: "c.ts",
            text: """
                const pattern = /['"{]/g; const x = 1 / 2 / 3
                export default { schema: 'a\\'b\\x41\\u{1F600}', migrations: { path: "m" + 'n' } }
                """, needs: .init(migrations: false))
        #expect(config.schema?.path == "a'bA😀")
    }
}
