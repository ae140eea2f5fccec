/// Tokens of one complete statement's text, for classification and lint. The splitter has already
/// checked that every quote and comment in the text is closed.
///
/// Only the distinctions the classifier needs are made: words (unquoted identifiers and keywords),
/// quoted identifiers, string literals (any form, incl. dollar-quoted), and single punctuation bytes.
/// Everything else (numbers, operators, parameters) is `other`.
struct StatementToken: Equatable {
    enum Kind: Equatable {
        case word, quotedIdentifier, string, dollarString, punctuation, other
    }
    var kind: Kind
    /// Byte range in the statement text, quotes and prefixes included.
    var range: Range<Int>
    /// Parenthesis depth the token is at (an opening parenthesis is at the outer depth).
    var depth: Int
}

struct StatementTokenizer {
    let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var depth = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func next() -> StatementToken? {
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            let start = i
            if c.isSQLWhitespace {
                i += 1
                continue
            }
            let next: UInt8 = i + 1 < n ? bytes[i + 1] : 0
            if c == .minus && next == .minus {
                while i < n && bytes[i] != .newline { i += 1 }
                continue
            }
            if c == .slash && next == .asterisk {
                skipBlockComment()
                continue
            }
            switch c {
            case .singleQuote:
                i += 1
                skipQuoted(.singleQuote, backslashEscapes: false)
                return StatementToken(kind: .string, range: start..<i, depth: depth)
            case .doubleQuote:
                i += 1
                skipQuoted(.doubleQuote, backslashEscapes: false)
                return StatementToken(kind: .quotedIdentifier, range: start..<i, depth: depth)
            case .dollar:
                var j = i + 1
                if j < n && bytes[j].isIdentifierStart {
                    j += 1
                    while j < n && bytes[j].isDollarTagContinuation { j += 1 }
                }
                if j < n && bytes[j] == .dollar {
                    let tag = UnsafeBufferPointer(rebasing: bytes[start...j])
                    i = j + 1
                    while i < n {
                        if bytes[i] == .dollar && i + tag.count <= n
                            && bytes[i..<(i + tag.count)].elementsEqual(tag)
                        {
                            i += tag.count
                            break
                        }
                        i += 1
                    }
                    return StatementToken(kind: .dollarString, range: start..<i, depth: depth)
                }
                i += 1
                while i < n && bytes[i].isDigit { i += 1 }
                return StatementToken(kind: .other, range: start..<i, depth: depth)
            case .openParen:
                i += 1
                depth += 1
                return StatementToken(kind: .punctuation, range: start..<i, depth: depth - 1)
            case .closeParen:
                i += 1
                if depth > 0 { depth -= 1 }
                return StatementToken(kind: .punctuation, range: start..<i, depth: depth)
            case 0x2C, 0x3D, 0x2E, .semicolon:  // , = . ;
                i += 1
                return StatementToken(kind: .punctuation, range: start..<i, depth: depth)
            default:
                break
            }
            if c.isIdentifierStart {
                var j = i + 1
                while j < n && bytes[j].isIdentifierContinuation { j += 1 }
                if j == i + 1 && j < n {
                    let prefix = c | 0x20
                    if bytes[j] == .singleQuote && (prefix == 0x65 || prefix == 0x62 || prefix == 0x78 || prefix == 0x6E) {
                        i = j + 1
                        skipQuoted(.singleQuote, backslashEscapes: prefix == 0x65)
                        return StatementToken(kind: .string, range: start..<i, depth: depth)
                    }
                    if prefix == 0x75 && bytes[j] == .ampersand && j + 1 < n
                        && (bytes[j + 1] == .singleQuote || bytes[j + 1] == .doubleQuote)
                    {
                        let quote = bytes[j + 1]
                        i = j + 2
                        skipQuoted(quote, backslashEscapes: false)
                        return StatementToken(
                            kind: quote == .singleQuote ? .string : .quotedIdentifier, range: start..<i, depth: depth)
                    }
                }
                i = j
                return StatementToken(kind: .word, range: start..<j, depth: depth)
            }
            if c.isDigit {
                // Numbers (incl. 1.5e-3, 0x1F, 1_000) are one token, so `1e5` is no word.
                i += 1
                while i < n && (bytes[i].isIdentifierContinuation || bytes[i] == 0x2E) { i += 1 }
                return StatementToken(kind: .other, range: start..<i, depth: depth)
            }
            i += 1
            return StatementToken(kind: .other, range: start..<i, depth: depth)
        }
        return nil
    }

    private mutating func skipQuoted(_ quote: UInt8, backslashEscapes: Bool) {
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            if c == quote {
                if i + 1 < n && bytes[i + 1] == quote {
                    i += 2
                    continue
                }
                i += 1
                return
            }
            i += (backslashEscapes && c == .backslash) ? 2 : 1
        }
        i = n
    }

    private mutating func skipBlockComment() {
        let n = bytes.count
        var level = 0
        i += 2
        while i < n {
            let c = bytes[i]
            let next: UInt8 = i + 1 < n ? bytes[i + 1] : 0
            if c == .slash && next == .asterisk {
                level += 1
                i += 2
            } else if c == .asterisk && next == .slash {
                i += 2
                if level == 0 { return }
                level -= 1
            } else {
                i += 1
            }
        }
    }

    // MARK: - Reading tokens

    func isWord(_ token: StatementToken?, _ keyword: StaticString) -> Bool {
        guard let token, token.kind == .word else { return false }
        return spells(bytes, token.range, keyword)
    }

    func isPunctuation(_ token: StatementToken?, _ byte: UInt8) -> Bool {
        guard let token, token.kind == .punctuation else { return false }
        return bytes[token.range.lowerBound] == byte
    }

    /// The identifier a word or quoted identifier names: unquoted words fold to lowercase, quoted
    /// ones keep their case (with `""` undone), as PostgreSQL resolves names.
    func identifier(_ token: StatementToken) -> String? {
        switch token.kind {
        case .word:
            return String(decoding: bytes[token.range].map(\.asciiLowercased), as: UTF8.self)
        case .quotedIdentifier:
            let raw = bytes[token.range]
            guard let open = raw.firstIndex(of: .doubleQuote) else { return nil }
            let inner = bytes[(open + 1)..<(token.range.upperBound - 1)]
            return String(decoding: inner, as: UTF8.self).replacing("\"\"", with: "\"")
        default:
            return nil
        }
    }

    /// The value of a string literal token: `''` undone, and for E'' strings the common backslash
    /// escapes (enough to compare enum labels; octal/hex/unicode escapes are kept verbatim).
    func stringValue(_ token: StatementToken) -> String? {
        switch token.kind {
        case .string:
            let raw = bytes[token.range]
            guard let open = raw.firstIndex(of: .singleQuote) else { return nil }
            let escapes = (bytes[token.range.lowerBound] | 0x20) == 0x65 && open == token.range.lowerBound + 1
            var value: [UInt8] = []
            var k = open + 1
            let end = token.range.upperBound - 1
            while k < end {
                let c = bytes[k]
                if c == .singleQuote {
                    value.append(c)
                    k += 2
                } else if escapes && c == .backslash && k + 1 < end {
                    let escaped = bytes[k + 1]
                    switch escaped {
                    case 0x6E: value.append(0x0A)  // \n
                    case 0x74: value.append(0x09)  // \t
                    case 0x72: value.append(0x0D)  // \r
                    case 0x62: value.append(0x08)  // \b
                    case 0x66: value.append(0x0C)  // \f
                    default: value.append(escaped)
                    }
                    k += 2
                } else {
                    value.append(c)
                    k += 1
                }
            }
            return String(decoding: value, as: UTF8.self)
        case .dollarString:
            let raw = bytes[token.range]
            guard let close = raw.dropFirst().firstIndex(of: .dollar) else { return nil }
            let tagLength = close - token.range.lowerBound + 1
            return String(decoding: bytes[(close + 1)..<(token.range.upperBound - tagLength)], as: UTF8.self)
        default:
            return nil
        }
    }
}
