/// Splits a config file into `JSToken`s, skipping `//` and `/* */` comments and a `#!` line. Not a
/// full ECMAScript lexer: it knows strings, templates (with nested `${…}`), numbers, identifiers
/// and regular expressions well enough that braces inside them never count as structure.
struct JSTokenizer {
    private let source: SourceText
    private var offset = 0
    private var previous: JSToken.Kind?

    init(source: SourceText) {
        self.source = source
        if source.bytes.starts(with: Array("#!".utf8)) {
            while offset < source.bytes.count && source.bytes[offset] != UInt8(ascii: "\n") { offset += 1 }
        }
    }

    static func tokens(of source: SourceText) throws(PrismaProjectError) -> [JSToken] {
        var tokenizer = JSTokenizer(source: source)
        var tokens: [JSToken] = []
        while true {
            let token = try tokenizer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private var bytes: [UInt8] { source.bytes }

    private func byte(_ at: Int) -> UInt8? { at < bytes.count ? bytes[at] : nil }

    mutating func next() throws(PrismaProjectError) -> JSToken {
        try skipTrivia()
        let start = offset
        guard let first = byte(offset) else { return JSToken(kind: .end, range: start..<start) }
        let kind: JSToken.Kind
        switch first {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            kind = .string(try readString(quote: first))
        case UInt8(ascii: "`"):
            kind = .template(try readTemplate())
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            while let next = byte(offset), Self.isIdentifierByte(next) || next == UInt8(ascii: ".") { offset += 1 }
            kind = .number(source.text(start..<offset))
        case UInt8(ascii: "/") where regularExpressionMayStart:
            try skipRegularExpression()
            kind = .regularExpression
        default:
            if Self.isIdentifierByte(first) || first == UInt8(ascii: "#") {
                offset += 1
                while let next = byte(offset), Self.isIdentifierByte(next) { offset += 1 }
                kind = .identifier(source.text(start..<offset))
            } else {
                kind = .punctuator(readPunctuator())
            }
        }
        previous = kind
        return JSToken(kind: kind, range: start..<offset)
    }

    /// Letters, digits, `_`, `$` and any non-ASCII byte (identifiers may be Unicode).
    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "$"):
            return true
        default: return byte >= 0x80
        }
    }

    private mutating func skipTrivia() throws(PrismaProjectError) {
        while let current = byte(offset) {
            if current == UInt8(ascii: " ") || current == UInt8(ascii: "\t") || current == UInt8(ascii: "\n")
                || current == UInt8(ascii: "\r") || current == 0x0B || current == 0x0C
            {
                offset += 1
            } else if current == 0xEF && byte(offset + 1) == 0xBB && byte(offset + 2) == 0xBF {
                offset += 3  // a byte-order mark
            } else if current == UInt8(ascii: "/") && byte(offset + 1) == UInt8(ascii: "/") {
                while let next = byte(offset), next != UInt8(ascii: "\n") { offset += 1 }
            } else if current == UInt8(ascii: "/") && byte(offset + 1) == UInt8(ascii: "*") {
                let start = offset
                offset += 2
                while !(byte(offset) == UInt8(ascii: "*") && byte(offset + 1) == UInt8(ascii: "/")) {
                    guard offset < bytes.count else {
                        throw .syntax(message: "a /* comment is not closed", location: source.location(at: start))
                    }
                    offset += 1
                }
                offset += 2
            } else {
                return
            }
        }
    }

    /// A `/` starts a regular expression unless it follows something that ends an operand.
    private var regularExpressionMayStart: Bool {
        switch previous {
        case nil: return true
        case .identifier(let name): return ["return", "typeof", "case", "do", "else", "in", "of", "void"].contains(name)
        case .punctuator(let text): return ![")", "]", "}"].contains(text)
        default: return false
        }
    }

    private mutating func readPunctuator() -> String {
        for candidate in ["...", "=>", "?.", "??", "||", "&&"] where bytes[offset...].starts(with: Array(candidate.utf8)) {
            offset += candidate.utf8.count
            return candidate
        }
        let scalarStart = offset
        offset += 1
        while let next = byte(offset), next & 0xC0 == 0x80 { offset += 1 }
        return source.text(scalarStart..<offset)
    }

    private mutating func readString(quote: UInt8) throws(PrismaProjectError) -> String {
        let start = offset
        offset += 1
        var scalars = String.UnicodeScalarView()
        var plainStart = offset
        while true {
            guard let current = byte(offset), current != UInt8(ascii: "\n") else {
                throw .syntax(message: "a string is not closed on its line", location: source.location(at: start))
            }
            if current == quote {
                scalars.append(contentsOf: source.text(plainStart..<offset).unicodeScalars)
                offset += 1
                return String(scalars)
            }
            if current == UInt8(ascii: "\\") {
                scalars.append(contentsOf: source.text(plainStart..<offset).unicodeScalars)
                try readEscape(into: &scalars)
                plainStart = offset
            } else {
                offset += 1
            }
        }
    }

    /// Reads a template literal; returns its text, or nil when it has a `${…}` substitution (whose
    /// tokens are consumed, braces balanced, so the caller sees the template as one token).
    private mutating func readTemplate() throws(PrismaProjectError) -> String? {
        let start = offset
        offset += 1
        var scalars = String.UnicodeScalarView()
        var hasSubstitution = false
        var plainStart = offset
        while true {
            guard let current = byte(offset) else {
                throw .syntax(message: "a template literal is not closed", location: source.location(at: start))
            }
            if current == UInt8(ascii: "`") {
                scalars.append(contentsOf: source.text(plainStart..<offset).unicodeScalars)
                offset += 1
                return hasSubstitution ? nil : String(scalars)
            }
            if current == UInt8(ascii: "\\") {
                scalars.append(contentsOf: source.text(plainStart..<offset).unicodeScalars)
                try readEscape(into: &scalars)
                plainStart = offset
            } else if current == UInt8(ascii: "$") && byte(offset + 1) == UInt8(ascii: "{") {
                hasSubstitution = true
                offset += 2
                previous = .punctuator("{")
                var depth = 1
                while depth > 0 {
                    let token = try next()
                    switch token.kind {
                    case .punctuator("{"): depth += 1
                    case .punctuator("}"): depth -= 1
                    case .end:
                        throw .syntax(message: "a ${ in a template literal is not closed", location: source.location(at: start))
                    default: break
                    }
                }
                plainStart = offset
            } else {
                offset += 1
            }
        }
    }

    private mutating func readEscape(into scalars: inout String.UnicodeScalarView) throws(PrismaProjectError) {
        let start = offset
        offset += 1  // the backslash
        guard let escaped = byte(offset) else {
            throw .syntax(message: "an escape at the end of the file", location: source.location(at: start))
        }
        offset += 1
        switch escaped {
        case UInt8(ascii: "n"): scalars.append("\n")
        case UInt8(ascii: "r"): scalars.append("\r")
        case UInt8(ascii: "t"): scalars.append("\t")
        case UInt8(ascii: "b"): scalars.append("\u{08}")
        case UInt8(ascii: "f"): scalars.append("\u{0C}")
        case UInt8(ascii: "v"): scalars.append("\u{0B}")
        case UInt8(ascii: "0") where !(byte(offset).map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ?? false):
            scalars.append("\u{00}")
        case UInt8(ascii: "\r"):
            if byte(offset) == UInt8(ascii: "\n") { offset += 1 }  // a line continuation
        case UInt8(ascii: "\n"): break  // a line continuation
        case UInt8(ascii: "x"):
            try appendScalar(hexDigits: 2, into: &scalars, escapeStart: start)
        case UInt8(ascii: "u"):
            if byte(offset) == UInt8(ascii: "{") {
                offset += 1
                let digitsStart = offset
                while let next = byte(offset), next != UInt8(ascii: "}") { offset += 1 }
                let value = UInt32(source.text(digitsStart..<offset), radix: 16)
                offset += 1
                guard let value, let scalar = Unicode.Scalar(value) else {
                    throw .syntax(message: "an invalid \\u{…} escape", location: source.location(at: start))
                }
                scalars.append(scalar)
            } else {
                try appendScalar(hexDigits: 4, into: &scalars, escapeStart: start)
            }
        default:
            // Any other character stands for itself (`\'`, `\"`, `\\`, `\/`, a multi-byte one).
            var end = offset
            while let next = byte(end), next & 0xC0 == 0x80 { end += 1 }
            scalars.append(contentsOf: source.text((offset - 1)..<end).unicodeScalars)
            offset = end
        }
    }

    private mutating func appendScalar(
        hexDigits: Int, into scalars: inout String.UnicodeScalarView, escapeStart: Int
    ) throws(PrismaProjectError) {
        let end = offset + hexDigits
        guard end <= bytes.count, let value = UInt32(source.text(offset..<end), radix: 16) else {
            throw .syntax(message: "an invalid hexadecimal escape", location: source.location(at: escapeStart))
        }
        offset = end
        // A lone surrogate (half of a pair written as two \u escapes) has no scalar; U+FFFD stands in.
        scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
    }

    private mutating func skipRegularExpression() throws(PrismaProjectError) {
        let start = offset
        offset += 1
        var inClass = false
        while true {
            guard let current = byte(offset), current != UInt8(ascii: "\n") else {
                throw .syntax(message: "a regular expression is not closed", location: source.location(at: start))
            }
            offset += 1
            if current == UInt8(ascii: "\\") {
                offset += 1
            } else if current == UInt8(ascii: "[") {
                inClass = true
            } else if current == UInt8(ascii: "]") {
                inClass = false
            } else if current == UInt8(ascii: "/") && !inClass {
                break
            }
        }
        while let next = byte(offset), Self.isIdentifierByte(next) { offset += 1 }
    }
}
