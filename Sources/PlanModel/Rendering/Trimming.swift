/// Leading and trailing blanks removed, as Foundation's `trimmingCharacters(in:)` removes them:
/// one pair of helpers for every module, so nothing needs Foundation's character sets for it.
/// Scalar by scalar, like Foundation, so a blank that a combining mark follows is trimmed too.
extension StringProtocol {
    /// Without spaces and tabs at either end (Foundation's `.whitespaces`: tab and Unicode's
    /// space separators); line breaks stay.
    public func trimmingSpaces() -> String {
        trimming { Self.isBlank($0) && !Self.isLineBreak($0) }
    }

    /// Without spaces, tabs and line breaks at either end (Foundation's
    /// `.whitespacesAndNewlines`, which is Unicode's White_Space).
    public func trimmingWhitespace() -> String {
        trimming(Self.isBlank)
    }

    /// Unicode's White_Space, and ZERO WIDTH SPACE, which Foundation's sets also count.
    private static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || scalar.value == 0x200B
    }

    private func trimming(_ isBlank: (Unicode.Scalar) -> Bool) -> String {
        let scalars = String(self).unicodeScalars
        guard let first = scalars.firstIndex(where: { !isBlank($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isBlank($0) })!
        return String(scalars[first...last])
    }

    /// LF, VT, FF, CR, NEL, and the line and paragraph separators: White_Space that Foundation's
    /// `.whitespaces` leaves out.
    private static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }
}
