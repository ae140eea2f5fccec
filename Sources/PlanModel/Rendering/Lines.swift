/// Line handling that sees a CRLF as a line break. Swift compares Characters, and "\r\n" is one
/// Character: `split(separator: "\n")` and `replacing("\n", …)` pass it by, so text read from a
/// file with Windows line endings stayed one line in output and unescaped in annotations.
extension StringProtocol {
    /// The lines of the text: split at LF, a CR before it dropped. "a\n" gives ["a", ""].
    public func lines() -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            if scalar == "\n" {
                if current.last == "\r" { current.removeLast() }
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        lines.append(String(current))
        return lines
    }

    /// Every scalar that `replacements` has a key for replaced by its value, scalar by scalar (so
    /// the CR and the LF of a CRLF are each found).
    public func replacingScalars(_ replacements: [Unicode.Scalar: String]) -> String {
        var out = ""
        for scalar in unicodeScalars {
            if let replacement = replacements[scalar] { out += replacement } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }
}
