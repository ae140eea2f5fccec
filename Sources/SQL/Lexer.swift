/// The statement-splitting half of psql's scanner (`psqlscan.l`), as a resumable byte state machine.
///
/// It finds where statements start and end; it does not build tokens. It can stop in the middle of
/// the input whenever a decision needs bytes it has not seen yet (`needMoreInput`) and resume when
/// the caller has appended them, so a file can be fed in chunks with memory bounded by the longest
/// statement. Offsets are absolute (from the start of the input); the caller passes the buffer and
/// the absolute offset of its first byte.
struct Lexer {
    enum Mode: Equatable {
        case code, lineComment, blockComment, standardString, escapeString, quotedIdentifier, dollarQuoted
    }

    enum Event: Equatable {
        /// A statement's tokens span `text` (absolute offsets); it was ended by a `;` (consumed, so
        /// `position` is just past it) or by the end of the final input.
        case statement(text: Range<Int>)
        /// The buffer ends where a decision needs more bytes; feed more and call again.
        case needMoreInput
        /// The final input is consumed and no statement is pending.
        case endOfInput
    }

    struct Failure: Error {
        enum Reason {
            case unterminatedString, unterminatedQuotedIdentifier, unterminatedComment
            case unterminatedDollarQuote(tag: [UInt8])
            case metaCommand(name: [UInt8])
        }
        var reason: Reason
        /// Absolute offset of the construct at fault (the opening quote, the backslash).
        var offset: Int
    }

    /// Absolute offset of the next byte to examine.
    private(set) var position: Int
    private var mode = Mode.code
    /// Where the current string, quoted identifier, dollar quote or block comment began.
    private var modeStart = 0
    private var commentDepth = 0
    /// The tag of the open dollar quote, without the `$` signs (empty for `$$`).
    private var dollarTag: [UInt8] = []
    private var parenDepth = 0
    /// psql's `begin_depth`: BEGIN (and CASE inside it) … END nesting in a SQL-standard function body.
    private var beginDepth = 0
    /// psql's `identifier_count` / `identifiers[4]`: first letters of the statement's first four
    /// identifiers when they are one of create/function/procedure/or/replace, else 0.
    private var identifierCount = 0
    private var identifiers: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
    /// Absolute offset of the current statement's first token, once there is one.
    private(set) var textStart: Int?
    /// Absolute offset just past the current statement's last token so far.
    private var textEnd = 0

    init(startingAt position: Int) {
        self.position = position
    }

    private mutating func resetStatement() {
        textStart = nil
        parenDepth = 0
        beginDepth = 0
        identifierCount = 0
        identifiers = (0, 0, 0, 0)
    }

    @inline(__always) private mutating func token(_ start: Int, _ end: Int) {
        if textStart == nil { textStart = start }
        textEnd = end
    }

    @inline(__always) private mutating func enter(_ newMode: Mode, at start: Int) {
        if newMode != .blockComment, textStart == nil { textStart = start }
        mode = newMode
        modeStart = start
    }

    /// Scans `bytes` (whose first byte is at absolute offset `base`) from `position`.
    /// `isFinal` says no bytes follow the buffer, so lookahead past its end sees end of input.
    mutating func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, base: Int, isFinal: Bool
    ) throws(Failure) -> Event {
        let n = bytes.count
        var i = position - base
        // `break scanning` parks the lexer at `i`, the start of a token whose meaning depends on
        // bytes not yet seen, and asks for more input. It is only taken when more input can come;
        // with the final input, lookahead past the end reads as end of input.
        scanning: while i < n {
            switch mode {
            case .code:
                while i < n {
                    let c = bytes[i]
                    // Identifiers and keywords are the most common tokens: test for them before
                    // the switch, whose jump table is costly when taken for every byte.
                    if c.isIdentifierStart {
                        var j = i + 1
                        while j < n && bytes[j].isIdentifierContinuation { j += 1 }
                        // Two bytes of lookahead decide E'', B'', X'', N'', U&'' and U&"".
                        if j + 1 >= n && !isFinal { break scanning }
                        if j == i + 1 && j < n {
                            let prefix = c | 0x20
                            let next = bytes[j]
                            if next == .singleQuote && (prefix == 0x65 || prefix == 0x62 || prefix == 0x78 || prefix == 0x6E) {
                                // E'…' takes backslash escapes; B'', X'', N'' lex like '…' here.
                                enter(prefix == 0x65 ? .escapeString : .standardString, at: base + i)
                                i = j + 1
                                continue scanning
                            }
                            if prefix == 0x75 && next == .ampersand && j + 1 < n {
                                let quote = bytes[j + 1]
                                if quote == .singleQuote || quote == .doubleQuote {
                                    enter(quote == .singleQuote ? .standardString : .quotedIdentifier, at: base + i)
                                    i = j + 2
                                    continue scanning
                                }
                            }
                        }
                        identifier(bytes, i..<j)
                        token(base + i, base + j)
                        i = j
                        continue
                    }
                    if c.isSQLWhitespace {
                        i += 1
                        continue
                    }
                    switch c {
                    case .semicolon:
                        if parenDepth == 0 && beginDepth == 0 {
                            i += 1
                            if let start = textStart {
                                position = base + i
                                let event = Event.statement(text: start..<textEnd)
                                resetStatement()
                                return event
                            }
                            resetStatement()
                        } else {
                            token(base + i, base + i + 1)
                            i += 1
                        }
                    case .openParen:
                        parenDepth += 1
                        token(base + i, base + i + 1)
                        i += 1
                    case .closeParen:
                        if parenDepth > 0 { parenDepth -= 1 }
                        token(base + i, base + i + 1)
                        i += 1
                    case .minus, .slash:
                        if i + 1 >= n && !isFinal { break scanning }
                        let next: UInt8 = i + 1 < n ? bytes[i + 1] : 0
                        if c == .minus && next == .minus {
                            mode = .lineComment
                            i += 2
                            continue scanning
                        }
                        if c == .slash && next == .asterisk {
                            enter(.blockComment, at: base + i)
                            commentDepth = 0
                            i += 2
                            continue scanning
                        }
                        token(base + i, base + i + 1)
                        i += 1
                    case .singleQuote:
                        enter(.standardString, at: base + i)
                        i += 1
                        continue scanning
                    case .doubleQuote:
                        enter(.quotedIdentifier, at: base + i)
                        i += 1
                        continue scanning
                    case .dollar:
                        // `$$` or `$tag$` opens a dollar quote; `$1` is a parameter; else a lone `$`.
                        var j = i + 1
                        if j < n && bytes[j].isIdentifierStart {
                            j += 1
                            while j < n && bytes[j].isDollarTagContinuation { j += 1 }
                        }
                        if j >= n && !isFinal { break scanning }
                        if j < n && bytes[j] == .dollar {
                            dollarTag.removeAll(keepingCapacity: true)
                            dollarTag.append(contentsOf: bytes[(i + 1)..<j])
                            enter(.dollarQuoted, at: base + i)
                            i = j + 1
                            continue scanning
                        }
                        token(base + i, base + i + 1)
                        i += 1
                    case .backslash:
                        // psql would run a meta-command here; the server would reject the byte.
                        var j = i + 1
                        while j < n && !bytes[j].isSQLWhitespace && bytes[j] != .backslash { j += 1 }
                        if j >= n && !isFinal { break scanning }
                        position = base + i
                        throw Failure(reason: .metaCommand(name: Array(bytes[(i + 1)..<j])), offset: base + i)
                    default:
                        token(base + i, base + i + 1)
                        i += 1
                    }
                }

            case .lineComment:
                while i < n && bytes[i] != .newline { i += 1 }
                if i < n {
                    mode = .code
                    i += 1
                }

            case .blockComment:
                // Comments nest: `/*` opens a level, `*/` closes one.
                while i < n {
                    let c = bytes[i]
                    if c != .asterisk && c != .slash {
                        i += 1
                        continue
                    }
                    if i + 1 >= n {
                        if isFinal {
                            i += 1
                            continue
                        }
                        break scanning
                    }
                    let next = bytes[i + 1]
                    if c == .slash && next == .asterisk {
                        commentDepth += 1
                        i += 2
                    } else if c == .asterisk && next == .slash {
                        i += 2
                        if commentDepth == 0 {
                            mode = .code
                            continue scanning
                        }
                        commentDepth -= 1
                    } else {
                        i += 1
                    }
                }

            case .standardString, .quotedIdentifier, .escapeString:
                let quote: UInt8 = mode == .quotedIdentifier ? .doubleQuote : .singleQuote
                let backslashEscapes = mode == .escapeString
                while i < n {
                    let c = bytes[i]
                    if c == quote {
                        // A doubled quote is an escaped quote, not the end.
                        if i + 1 >= n && !isFinal { break scanning }
                        if i + 1 < n && bytes[i + 1] == quote {
                            i += 2
                            continue
                        }
                        i += 1
                        mode = .code
                        textEnd = base + i
                        continue scanning
                    }
                    if backslashEscapes && c == .backslash {
                        if i + 1 >= n && !isFinal { break scanning }
                        i += 2
                        continue
                    }
                    i += 1
                }

            case .dollarQuoted:
                let tagCount = dollarTag.count
                while i < n {
                    if bytes[i] != .dollar {
                        i = skipWordsWithoutDollar(bytes, from: i + 1)
                        continue
                    }
                    // `$tag$` ends the quote; any other `$…` is body text (tags compare case-sensitively).
                    let closing = i + tagCount + 1
                    if closing >= n && !isFinal { break scanning }
                    if closing < n && bytes[closing] == .dollar && matchesTag(bytes, from: i + 1) {
                        i = closing + 1
                        mode = .code
                        textEnd = base + i
                        continue scanning
                    }
                    i += 1
                }
            }
        }

        position = base + i
        if i < n || !isFinal { return .needMoreInput }
        switch mode {
        case .code, .lineComment: break
        case .blockComment: throw Failure(reason: .unterminatedComment, offset: modeStart)
        case .standardString, .escapeString: throw Failure(reason: .unterminatedString, offset: modeStart)
        case .quotedIdentifier: throw Failure(reason: .unterminatedQuotedIdentifier, offset: modeStart)
        case .dollarQuoted: throw Failure(reason: .unterminatedDollarQuote(tag: dollarTag), offset: modeStart)
        }
        if let start = textStart {
            let event = Event.statement(text: start..<textEnd)
            resetStatement()
            return event
        }
        return .endOfInput
    }

    @inline(__always)
    private func matchesTag(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        var k = 0
        while k < dollarTag.count {
            if bytes[start + k] != dollarTag[k] { return false }
            k += 1
        }
        return true
    }

    /// psql's `{identifier}` rule: a statement that starts CREATE [OR REPLACE] FUNCTION|PROCEDURE
    /// counts BEGIN … END (and CASE … END inside it) at parenthesis depth 0, so the semicolons of a
    /// `BEGIN ATOMIC` body do not end the statement.
    @inline(__always)
    private mutating func identifier(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        if identifierCount < 4 {
            let letter: UInt8
            if spells(bytes, range, "create") || spells(bytes, range, "function")
                || spells(bytes, range, "procedure") || spells(bytes, range, "or")
                || spells(bytes, range, "replace")
            {
                letter = bytes[range.lowerBound].asciiLowercased
            } else {
                letter = 0
            }
            switch identifierCount {
            case 0: identifiers.0 = letter
            case 1: identifiers.1 = letter
            case 2: identifiers.2 = letter
            default: identifiers.3 = letter
            }
        }
        identifierCount += 1
        guard parenDepth == 0, range.count >= 3, range.count <= 5, isFunctionDefinition else { return }
        if spells(bytes, range, "begin") {
            beginDepth += 1
        } else if spells(bytes, range, "case") {
            if beginDepth >= 1 { beginDepth += 1 }
        } else if spells(bytes, range, "end") {
            if beginDepth > 0 { beginDepth -= 1 }
        }
    }

    private var isFunctionDefinition: Bool {
        let (first, second, third, fourth) = identifiers
        let c: UInt8 = 0x63
        let f: UInt8 = 0x66
        let p: UInt8 = 0x70
        let o: UInt8 = 0x6F
        let r: UInt8 = 0x72
        return first == c
            && (second == f || second == p
                || (second == o && third == r && (fourth == f || fourth == p)))
    }
}
