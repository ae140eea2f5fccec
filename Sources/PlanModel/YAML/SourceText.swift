/// The text of a file split into lines, for positions libyaml does not give (byte offsets of
/// reader errors) and for showing the offending line under a diagnostic.
public struct SourceText: Sendable, Equatable {
    public let lines: [Substring]

    public init(_ text: String) {
        // Line breaks as libyaml counts them (its marks are what diagnostics carry): LF, CRLF,
        // a lone CR, NEL, LS and PS. In Swift "\r\n" is one Character.
        lines = text.split(omittingEmptySubsequences: false) {
            $0 == "\n" || $0 == "\r\n" || $0 == "\r" || $0 == "\u{85}" || $0 == "\u{2028}" || $0 == "\u{2029}"
        }
    }

    /// A position moved inside the text: libyaml reports an unexpected end of a file that does not
    /// end in a newline one line past its last (it reads as if a line break followed), and a
    /// column past the end of a line; both become the end of the last real position.
    public func clamped(line: Int, column: Int) -> (line: Int, column: Int) {
        guard line >= 1, let last = lines.last else { return (line, column) }
        if line > lines.count { return (lines.count, last.unicodeScalars.count + 1) }
        let length = lines[line - 1].unicodeScalars.count
        return (line, min(max(column, 1), length + 1))
    }

    /// The 1-based line, or nil past the end.
    public func line(_ number: Int) -> Substring? {
        number >= 1 && number <= lines.count ? lines[number - 1] : nil
    }

    /// 1-based line and column (in characters, as libyaml counts) of a byte offset in valid UTF-8 bytes.
    static func position(ofByteOffset offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var index = 0
        while index < offset && index < bytes.count {
            let byte = bytes[index]
            // The same breaks as `lines`: LF, CRLF (one break), lone CR, NEL, LS, PS.
            let isCRLF = byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A
            let isNEL = byte == 0xC2 && index + 1 < bytes.count && bytes[index + 1] == 0x85
            let isLSPS =
                byte == 0xE2 && index + 2 < bytes.count && bytes[index + 1] == 0x80
                && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9)
            if byte == 0x0A || (byte == 0x0D && !isCRLF) {
                line += 1
                column = 1
            } else if isNEL || isLSPS {
                line += 1
                column = 1
                index += isNEL ? 2 : 3
                continue
            } else if isCRLF {
                // the LF that follows ends the line
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return (line, column)
    }
}
