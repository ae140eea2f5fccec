import Foundation
import Testing

@testable import PlanModel

/// The node tree built from libyaml's events: positions, styles, anchors, merge keys, and the
/// errors libyaml leaves to its callers.
@Suite struct YAMLComposerTests {
    private func compose(_ text: String) -> YAMLComposer.Result {
        YAMLComposer(file: "t.yaml").compose(Array(text.utf8))
    }

    private func messages(_ result: YAMLComposer.Result) -> [String] {
        result.diagnostics.map { "\($0.location.line):\($0.location.column): \($0.message)" }
    }

    @Test func nodesCarryOneBasedLineAndColumn() throws {
        let root = try #require(compose("plan: 1\nsteps:\n  - migrate: {}\n    name: x\n").root)
        #expect(root.location == SourceLocation(file: "t.yaml", line: 1, column: 1))
        let pairs = try #require(root.mapping)
        #expect(pairs.map { $0.key.scalar?.value } == ["plan", "steps"])
        #expect(pairs[0].value.location.line == 1 && pairs[0].value.location.column == 7)
        let step = try #require(pairs[1].value.sequence?.first)
        #expect(step.location.line == 3 && step.location.column == 5)
        let name = try #require(step["name"])
        #expect(name.location.line == 4 && name.location.column == 11)
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let root = try #require(compose("é: ü\nkey: value\n").root)
        let pairs = try #require(root.mapping)
        #expect(pairs[0].value.location.column == 4)
    }

    @Test(arguments: [
        ("a: plain", YAMLScalar.Style.plain, "plain"),
        ("a: 'single ''q'''", .singleQuoted, "single 'q'"),
        ("a: \"double\\tq\"", .doubleQuoted, "double\tq"),
        ("a: |\n  line 1\n  line 2\n", .literal, "line 1\nline 2\n"),
        ("a: >\n  folded\n  text\n", .folded, "folded text\n"),
    ])
    func scalarsKeepTheirStyle(_ text: String, style: YAMLScalar.Style, value: String) throws {
        let scalar = try #require(compose(text).root?["a"]?.scalar)
        #expect(scalar.style == style)
        #expect(scalar.value == value)
    }

    @Test func tagsAreKept() throws {
        let root = try #require(compose("a: !!str 5\nb: !custom x\n").root)
        #expect(root["a"]?.tag == "tag:yaml.org,2002:str")
        #expect(root["b"]?.tag == "!custom")
        #expect(root["a"]?.scalar?.value == "5")
    }

    @Test func aliasesResolveToTheAnchoredNode() throws {
        let root = try #require(compose("base: &b { x: 1, y: [a, b] }\ncopy: *b\n").root)
        #expect(root["copy"] == root["base"])
        #expect(root["copy"]?["y"]?.sequence?.count == 2)
    }

    @Test func mergeKeysAddPairsThatAreNotWrittenExplicitly() throws {
        let text = """
            defaults: &d { timeout: 5s, retry: 3, name: base }
            more: &m { extra: 1, name: more }
            step:
              name: mine
              <<: [*d, *m]
              after: 2
            """
        let step = try #require(compose(text).root?["step"]?.mapping)
        #expect(step.map { $0.key.scalar!.value } == ["name", "timeout", "retry", "extra", "after"])
        #expect(step.first { $0.key.scalar?.value == "name" }?.value.scalar?.value == "mine")
    }

    @Test func aQuotedMergeKeyIsAnOrdinaryKey() throws {
        let root = try #require(compose("'<<': { a: 1 }\n").root?.mapping)
        #expect(root.first?.key.scalar?.value == "<<")
    }

    @Test func mergeOfAScalarIsAnError() {
        #expect(messages(compose("a:\n  <<: 5\n")) == ["2:7: a merge key '<<' takes a mapping or a list of mappings"])
    }

    @Test func duplicateKeysAreErrorsWithBothPositions() throws {
        let result = compose("a: 1\nb: 2\na: 3\nb: 4\n")
        #expect(result.root == nil)
        #expect(
            messages(result) == [
                "3:1: duplicate key 'a' (first written on line 1); remove one of them",
                "4:1: duplicate key 'b' (first written on line 2); remove one of them",
            ])
        #expect(
            result.diagnostics[0].notes == [
                Diagnostic.Note(message: "first written here", location: SourceLocation(file: "t.yaml", line: 1, column: 1))
            ])
    }

    @Test func undefinedAliasesAreErrors() {
        #expect(
            messages(compose("a: *nowhere\nb: *also\n")) == [
                "1:4: alias '*nowhere' refers to no anchor defined before it; define '&nowhere' first",
                "2:4: alias '*also' refers to no anchor defined before it; define '&also' first",
            ])
    }

    @Test func tabsUsedAsIndentationAreNamed() {
        #expect(messages(compose("steps:\n\t- migrate: {}\n")) == ["2:1: a tab is used for indentation; YAML allows only spaces there"])
    }

    @Test func libyamlErrorsKeepTheirMessageAndMark() {
        #expect(
            messages(compose("a: [1, 2\nb: 3\n")) == [
                "2:2: invalid YAML: did not find expected ',' or ']' while parsing a flow sequence"
            ])
    }

    @Test func anUnquotedExpressionInAFlowMappingGetsAHint() throws {
        let message = try #require(messages(compose("sql: { sql: ${{ params.x }} }\n")).first)
        #expect(message.hasSuffix("write the expression in block style or quote it"))
    }

    @Test func invalidUTF8IsReportedWithItsPosition() {
        let bytes = Array("a: ok\nb: caf".utf8) + [0xE9] + Array("\n".utf8)
        let result = YAMLComposer(file: "t.yaml").compose(bytes)
        #expect(messages(result) == ["2:7: the file is not valid UTF-8 (byte 0xE9 at offset 12); save it as UTF-8"])
    }

    @Test(arguments: [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] as [[UInt8]])
    func overlongSurrogateAndTruncatedSequencesAreInvalid(_ bytes: [UInt8]) {
        #expect(YAMLComposer.firstInvalidUTF8Offset(in: Array("x: ".utf8) + bytes) == 3)
    }

    @Test func validMultibyteTextPasses() {
        #expect(YAMLComposer.firstInvalidUTF8Offset(in: Array("name: café ✓ 😀".utf8)) == nil)
    }

    @Test(arguments: ["", "\n\n", "# only a comment\n"])
    func emptyDocumentsHaveNoRoot(_ text: String) {
        let result = compose(text)
        #expect(result.root == nil)
        #expect(result.diagnostics.isEmpty)
    }

    @Test func aSecondDocumentIsAnError() {
        #expect(
            messages(compose("a: 1\n---\nb: 2\n")) == [
                "2:1: a plan file holds one YAML document; remove the second '---' or split the file"
            ])
    }

    @Test func aliasBombsAreRefused() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...7 {
            let previous = "*a\(level - 1)"
            text += "a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]\n"
        }
        let result = compose(text)
        #expect(result.root == nil)
        #expect(messages(result).first?.contains("more than 1000000 nodes") == true)
    }

    @Test func deepNestingIsRefused() {
        let text = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect(messages(compose(text)).first?.hasSuffix("the document nests deeper than 200 levels") == true)
    }
}

/// Files the loader refuses before parsing: missing, too large, empty.
@Suite struct PlanFileReadingTests {
    @Test func filesOverTheLimitAreRefusedBeforeParsing() {
        let big = [UInt8](repeating: UInt8(ascii: "#"), count: PlanLoader.maximumFileSize + 1024 * 1024)
        let loader = PlanLoader(environment: [:], fileSystem: InMemoryFileSystem(bytes: ["big.plan.yaml": big]))
        let result = loader.load(file: "big.plan.yaml")
        #expect(result.plan == nil)
        #expect(
            result.diagnostics.map(\.description) == [
                "big.plan.yaml: error: 'big.plan.yaml' is 17 MB, larger than the 16 MB limit for plan files; split it into plans joined with 'uses:'"
            ])
    }

    @Test func theLocalFileSystemStopsReadingAtTheLimit() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("plan-big-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(count: 2048).write(to: URL(fileURLWithPath: path))
        #expect(throws: FileReadError.tooLarge(bytes: 2048)) { try LocalFileSystem().read(path, limit: 1024) }
        #expect(throws: FileReadError.notFound) { try LocalFileSystem().read(path + ".missing", limit: 1024) }
    }

    @Test func aMissingTopLevelFileIsReportedWithoutAPosition() {
        let result = PlanLoader(environment: [:], fileSystem: InMemoryFileSystem(files: [:])).load(file: "nope.plan.yaml")
        #expect(result.diagnostics.map(\.description) == ["nope.plan.yaml: error: cannot read 'nope.plan.yaml': no such file"])
        #expect(
            DiagnosticRenderer().render(result.diagnostics)
                == "nope.plan.yaml: error: cannot read 'nope.plan.yaml': no such file [file-not-found]\n")
    }

    @Test func anEmptyFileIsAnError() {
        let result = PlanLoader(environment: [:], fileSystem: InMemoryFileSystem(files: ["e.plan.yaml": ""])).load(file: "e.plan.yaml")
        #expect(result.diagnostics.map(\.description) == ["e.plan.yaml:1:1: error: the file is empty; a plan starts with 'plan: 1'"])
    }
}
