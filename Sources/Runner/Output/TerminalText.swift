/// Text that came from others — server messages and notices, a child's output, SQL and names
/// from files — made safe to print (issue 19, item 7): control characters other than newline
/// and tab (C0, DEL, C1, and so ESC, which starts every terminal escape sequence: colours,
/// cursor moves, OSC window titles and hyperlinks, clipboard writes), and the bidirectional
/// overrides that make text read differently from what it is, are shown as `\xNN` / `\u{NNNN}`
/// instead of being passed to the terminal. The one function for it; the reporter applies it
/// to every event, and the CLI to what it writes itself.
public enum TerminalText {
    public static func sanitized(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            // A CR ending a line (CRLF) moves nothing that matters; it stays.
            let endsLine = scalar == "\r" && index + 1 < scalars.count && scalars[index + 1] == "\n"
            guard needsEscape(scalar), !endsLine else {
                result.unicodeScalars.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16, uppercase: true)
            result += scalar.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" : "") + hex : "\\u{" + hex + "}"
        }
        return result
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
