/// A statement's tokens as owned values, for rules that look further ahead than the
/// classifier's one-token reader: ALTER TABLE subcommands, column definitions, constraints.
struct StatementWords {
    struct Word: Equatable {
        var kind: StatementToken.Kind
        var depth: Int
        /// Words folded to lowercase, quoted identifiers unquoted; nil for anything else.
        var identifier: String?
        /// The bytes as written.
        var raw: String
    }

    var words: [Word]

    init(_ statement: SQLStatement) {
        var words: [Word] = []
        var text = statement.text
        text.withUTF8 { bytes in
            var tokenizer = StatementTokenizer(bytes)
            while let token = tokenizer.next() {
                words.append(
                    Word(
                        kind: token.kind, depth: token.depth, identifier: tokenizer.identifier(token),
                        raw: String(decoding: bytes[token.range], as: UTF8.self)))
            }
        }
        self.words = words
    }

    var count: Int { words.count }

    /// Whether the token at `index` is the unquoted word `keyword` (lowercase).
    func isKeyword(_ index: Int, _ keyword: String) -> Bool {
        guard index >= 0, index < words.count, words[index].kind == .word else { return false }
        return words[index].identifier == keyword
    }

    func isPunctuation(_ index: Int, _ character: String) -> Bool {
        guard index >= 0, index < words.count, words[index].kind == .punctuation else { return false }
        return words[index].raw == character
    }

    /// Skips the keywords in order when all of them are next; returns whether it did.
    func skip(_ keywords: String..., at index: inout Int) -> Bool {
        for (offset, keyword) in keywords.enumerated() where !isKeyword(index + offset, keyword) { return false }
        index += keywords.count
        return true
    }

    /// `a`, `a.b`, `"A"."b"` starting at `index`; moves past it.
    func qualifiedName(at index: inout Int) -> QualifiedName? {
        var parts: [String] = []
        while index < words.count, words[index].kind == .word || words[index].kind == .quotedIdentifier,
            let part = words[index].identifier
        {
            parts.append(part)
            index += 1
            guard isPunctuation(index, ".") else { break }
            index += 1
        }
        return parts.isEmpty ? nil : QualifiedName(parts: parts)
    }

    /// The index just past the parenthesised group opening at `index` (or `index` itself when
    /// no `(` is there).
    func skipParentheses(from index: Int) -> Int {
        guard isPunctuation(index, "(") else { return index }
        let depth = words[index].depth
        var i = index + 1
        while i < words.count {
            if isPunctuation(i, ")") && words[i].depth == depth { return i + 1 }
            i += 1
        }
        return i
    }

    /// Splits `start..<end` at commas at `depth`: ALTER TABLE's subcommands, a column list.
    func clauses(_ range: Range<Int>, depth: Int) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = range.lowerBound
        for i in range where isPunctuation(i, ",") && words[i].depth == depth {
            result.append(start..<i)
            start = i + 1
        }
        result.append(start..<range.upperBound)
        return result.filter { !$0.isEmpty }
    }

    /// The text of `range` as written, tokens joined by single spaces (for messages).
    func text(_ range: Range<Int>) -> String {
        var result = ""
        for i in range {
            let word = words[i]
            let joins =
                word.raw == "." || word.raw == ")" || word.raw == "(" || word.raw == ","
                || (i > range.lowerBound && words[i - 1].raw == ".")
                || (i > range.lowerBound && words[i - 1].raw == "(")
            if !result.isEmpty && !joins { result += " " }
            result += word.raw
        }
        return result
    }

    /// The first index in `range` whose token is `keyword` at `depth`.
    func firstKeyword(_ keyword: String, in range: Range<Int>, depth: Int? = nil) -> Int? {
        range.first { isKeyword($0, keyword) && (depth == nil || words[$0].depth == depth) }
    }
}
