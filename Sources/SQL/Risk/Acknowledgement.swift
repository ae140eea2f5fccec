/// `-- plan: ack <code>[, <code>…][: reason]` comments: the author has read a finding and accepts
/// it. A comment acknowledges the statement below it, or the statement it ends the line of
/// (`ALTER TABLE …; -- plan: ack changing-column-type: table has 40 rows`). Block comments work
/// too (`/* plan: ack … */`). Only comments between statements count: plan reads trivia, never
/// the statement's text, so a string can never acknowledge anything.
public enum Acknowledgement {
    /// For each statement, the codes acknowledged for it. `trailingTrivia` is what follows the
    /// last statement (its same-line comment).
    public static func codes(for statements: [SQLStatement], trailingTrivia: String = "") -> [[String]] {
        var result = Array(repeating: [String](), count: statements.count)
        for (index, statement) in statements.enumerated() {
            let (sameLine, above) = split(statement.leadingTrivia, isFirst: index == 0)
            if index > 0 { result[index - 1] += codes(in: sameLine) }
            result[index] += codes(in: above)
        }
        if let last = statements.indices.last {
            result[last] += codes(in: split(trailingTrivia, isFirst: false).sameLine)
        }
        return result
    }

    /// The part of a statement's leading trivia on the previous statement's last line, and the rest.
    private static func split(_ trivia: String, isFirst: Bool) -> (sameLine: Substring, above: Substring) {
        guard !isFirst, let newline = trivia.firstIndex(of: "\n") else {
            return isFirst ? ("", trivia[...]) : (trivia[...], "")
        }
        return (trivia[..<newline], trivia[newline...])
    }

    /// Every code named by a `plan: ack` comment in `trivia`.
    static func codes(in trivia: Substring) -> [String] {
        var codes: [String] = []
        var rest = trivia
        while let marker = rest.firstRange(of: "plan:") {
            rest = rest[marker.upperBound...]
            let after = rest.drop { $0 == " " || $0 == "\t" }
            guard after.hasPrefix("ack "),
                let end = after.dropFirst(4).firstIndex(where: { "\n:*".contains($0) }) ?? Optional(after.endIndex)
            else { continue }
            let list: Substring = after[after.index(after.startIndex, offsetBy: 4)..<end]
            for code in list.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) { codes.append(String(code)) }
        }
        return codes
    }
}
