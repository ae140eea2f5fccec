import PlanModel

/// Text from others (step names, server messages, SQL from a pull request) placed in Markdown
/// or in the HTML GitHub allows in it, so that it shows as written and adds nothing live: no
/// link, image, HTML, code span or table cell of its own.
public enum MarkdownText {
    /// For Markdown prose and table cells: the characters that make links, images, HTML, code
    /// spans, emphasis and table cells escaped, and line breaks flattened.
    public static func escaped(_ text: String) -> String {
        replacing(text) { character in
            switch character {
            case "\\", "`", "*", "[", "]", "|", "~": "\\" + String(character)
            default: nil
            }
        }
    }

    /// For raw HTML (a `<summary>`, where Markdown is not read): entities only.
    static func html(_ text: String) -> String {
        replacing(text) { $0 == "\"" ? "&quot;" : nil }
    }

    /// Entities for `<`, `>` and `&` and line breaks flattened, as both forms need, plus `extra`.
    private static func replacing(_ text: String, _ extra: (Character) -> String?) -> String {
        var result = ""
        for character in text {
            switch character {
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "&": result += "&amp;"
            case "\n", "\r", "\r\n": result += " "
            default: result += extra(character) ?? String(character)
            }
        }
        return result
    }

    /// A code span whose delimiters are longer than any run of backticks inside it.
    static func inlineCode(_ text: String) -> String {
        let flat = text.replacing("\n", with: " ").replacing("\r", with: " ")
        let fence = String(repeating: "`", count: longestRun(of: "`", in: flat) + 1)
        let padding = flat.hasPrefix("`") || flat.hasSuffix("`") ? " " : ""
        return fence + padding + flat + padding + fence
    }

    static func longestRun(of mark: Character, in text: String) -> Int {
        var longest = 0
        var current = 0
        for character in text {
            current = character == mark ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }

    /// At most `limit` characters, with an ellipsis when cut.
    static func clipped(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit)) + "…"
    }

    /// A fenced code block longer than any run of backticks in the text, so SQL from a pull
    /// request cannot close it and write Markdown of its own; a long body is cut after
    /// `maximumLines` lines (and very long lines shortened), saying how many lines it left out.
    static func codeBlock(_ text: String, language: String, maximumLines: Int, maximumLineLength: Int = 400) -> String {
        let lines = text.lines()
        let shown = lines.prefix(maximumLines).map { clipped($0, to: maximumLineLength) }
        let fence = String(repeating: "`", count: max(3, (shown.map { longestRun(of: "`", in: $0) }.max() ?? 0) + 1))
        var block = fence + language + "\n" + shown.joined(separator: "\n") + "\n" + fence + "\n"
        if lines.count > shown.count {
            block += "\n*… \(count(lines.count - shown.count)) more \(lines.count - shown.count == 1 ? "line" : "lines")*\n"
        }
        return block
    }

    /// 1234 → "1,234", as a reader counts.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }
}
