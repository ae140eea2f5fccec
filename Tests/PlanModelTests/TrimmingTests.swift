import Foundation
import PlanModel
import Testing

/// The trimming helpers replaced Foundation's `trimmingCharacters(in:)` in every module: they
/// must trim exactly what it trimmed.
@Suite struct TrimmingTests {
    static let samples: [String] = [
        "", " ", "plain", "  both  ", "\ttabbed\t", "line\n", "\r\n crlf \r\n", " \u{00A0}no-break\u{3000} ", "\u{2028}sep\u{2029}",
        " \u{301}combining ", "inner  spaces stay", "\u{0B}vt\u{0C}", "\u{85}nel", "é ", " 日本 ", "\n\n", "\u{200B}zero-width\u{200B}",
    ]

    @Test(arguments: samples)
    func spacesAreFoundationsWhitespaces(_ text: String) {
        #expect(text.trimmingSpaces() == text.trimmingCharacters(in: .whitespaces))
        #expect(text[...].trimmingSpaces() == text.trimmingCharacters(in: .whitespaces))
    }

    @Test(arguments: samples)
    func whitespaceIsFoundationsWhitespacesAndNewlines(_ text: String) {
        #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
