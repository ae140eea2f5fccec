// Byte classes of PostgreSQL's scanner (scan.l / psqlscan.l). The lexers work on UTF-8 bytes, as
// the server's scanner does: every byte >= 0x80 is an identifier character, so multibyte
// characters never need decoding on the hot path.

extension UInt8 {
    static let newline: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let singleQuote: UInt8 = 0x27
    static let doubleQuote: UInt8 = 0x22
    static let dollar: UInt8 = 0x24
    static let ampersand: UInt8 = 0x26
    static let openParen: UInt8 = 0x28
    static let closeParen: UInt8 = 0x29
    static let asterisk: UInt8 = 0x2A
    static let minus: UInt8 = 0x2D
    static let slash: UInt8 = 0x2F
    static let semicolon: UInt8 = 0x3B
    static let backslash: UInt8 = 0x5C
    static let underscore: UInt8 = 0x5F

    /// `space [ \t\n\r\f\v]`.
    @inline(__always) var isSQLWhitespace: Bool {
        self == .space || (self >= 0x09 && self <= 0x0D)
    }

    /// `ident_start [A-Za-z\200-\377_]`.
    @inline(__always) var isIdentifierStart: Bool {
        let lower = self | 0x20
        return (lower >= 0x61 && lower <= 0x7A) || self == .underscore || self >= 0x80
    }

    /// `dolq_cont`: an identifier character other than `$`.
    @inline(__always) var isDollarTagContinuation: Bool {
        isIdentifierStart || isDigit
    }

    /// `ident_cont [A-Za-z\200-\377_0-9\$]`.
    @inline(__always) var isIdentifierContinuation: Bool {
        isIdentifierStart || isDigit || self == .dollar
    }

    @inline(__always) var isDigit: Bool { self >= 0x30 && self <= 0x39 }

    /// Lowercases ASCII letters only, like `pg_tolower` in the C locale.
    @inline(__always) var asciiLowercased: UInt8 {
        (self >= 0x41 && self <= 0x5A) ? self | 0x20 : self
    }
}

/// Whether `bytes[range]` spells `keyword` (lowercase ASCII) ignoring ASCII case, like `pg_strcasecmp`.
@inline(__always)
func spells(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ keyword: StaticString) -> Bool {
    let count = keyword.utf8CodeUnitCount
    guard range.count == count else { return false }
    let letters = keyword.utf8Start
    var k = 0
    while k < count {
        if bytes[range.lowerBound + k].asciiLowercased != letters[k] { return false }
        k += 1
    }
    return true
}

/// Skips, eight bytes at a time, from `i` over words without a `$`, and returns the first index
/// whose word might hold one (or the start of the last partial word). Function bodies are the
/// longest stretches of a migration, and only a `$` can end one.
@inline(__always)
func skipWordsWithoutDollar(_ bytes: UnsafeBufferPointer<UInt8>, from i: Int) -> Int {
    guard let address = bytes.baseAddress else { return i }
    let raw = UnsafeRawPointer(address)
    let n = bytes.count
    var i = i
    while i + 8 <= n {
        // A byte of `word` is zero exactly where the input holds `$` (the classic SWAR zero test).
        let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0x2424_2424_2424_2424
        if (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0 { break }
        i += 8
    }
    return i
}
