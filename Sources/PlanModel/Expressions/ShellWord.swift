/// How typed values enter a `/bin/sh -c` command line: as one single-quoted word, and only
/// where the shell reads that word as literal text.
///
/// `'…'` (with each `'` written `'\''`) is literal for the shell only in plain command context:
/// inside `"…"`, backquotes, a heredoc, a comment, `${…}`, `$((…))` or after `\` or `$` the same
/// quotes are text or escapes, and the value's `$(…)` or newline would run. `ShellContext` follows
/// the command line's literal text and says where an interpolation would land; anywhere but plain
/// command context the plan is refused, with the safe forms in the message.
enum ShellWord {
    static func quoted(_ text: String) -> String {
        "'" + text.replacing("'", with: "'\\''") + "'"
    }
}

/// The lexical context of a POSIX shell command line after some text, conservatively: any
/// construct it does not follow exactly makes the position unsafe rather than safe.
struct ShellContext {
    private enum Frame: Equatable {
        /// Plain command text: the top level, or inside `$(…)` / `(…)` (closed by `)`).
        case command(closedByParenthesis: Bool)
        case singleQuoted
        /// bash's `$'…'`, where `\'` does not end the string.
        case ansiCQuoted
        case doubleQuoted
        case backquoted
        /// `${…}`, whose word is not plain command text.
        case parameter
        /// `$((…))` or `((…))`: bash evaluates the text as arithmetic, expanding again.
        case arithmetic(depth: Int)
        case comment
    }

    private var frames: [Frame] = [.command(closedByParenthesis: false)]
    private var escaped = false
    private var heredoc = false
    private var last: Character = " "

    /// Why a value cannot be interpolated here, or nil when a single-quoted word is literal text.
    var problem: String? {
        if heredoc { return "after a heredoc ('<<'), whose body the shell expands" }
        if escaped { return "right after a backslash, which would escape the opening quote" }
        if last == "$" { return "right after '$', which makes the quotes mean something else in bash" }
        for frame in frames {
            switch frame {
            case .command, .singleQuoted, .ansiCQuoted, .doubleQuoted: continue
            case .backquoted: return "inside backquotes, where backslashes and quotes are read twice"
            case .parameter: return "inside '${…}'"
            case .arithmetic: return "inside arithmetic '((…))', which bash evaluates again"
            case .comment: return "inside a comment, which a newline in the value would end"
            }
        }
        switch frames.last {
        case .singleQuoted?, .ansiCQuoted?: return "inside '…' quotes"
        case .doubleQuoted?: return "inside \"…\" quotes, where '$(…)' in the value would run"
        default: return nil
        }
    }

    /// A quoted word was inserted: it leaves the context as it was, and ends a word.
    mutating func insertWord() {
        last = "'"
    }

    mutating func feed(_ text: String) {
        for character in text { feed(character) }
    }

    private mutating func feed(_ character: Character) {
        var shown = character
        defer {
            last = escaped ? "\\" : shown
        }
        if escaped {
            // An escaped character is plain text: remember something neutral in its place.
            escaped = false
            shown = "a"
            return
        }
        let top = frames.last ?? .command(closedByParenthesis: false)
        switch top {
        case .singleQuoted:
            if character == "'" { frames.removeLast() }
        case .ansiCQuoted:
            if character == "\\" { escaped = true } else if character == "'" { frames.removeLast() }
        case .comment:
            if character == "\n" { frames.removeLast() }
        case .backquoted:
            if character == "\\" { escaped = true } else if character == "`" { frames.removeLast() }
        case .parameter:
            if character == "}" {
                frames.removeLast()
            } else if character == "{" && last == "$" {
                frames.append(.parameter)
            }
        case .arithmetic(let depth):
            if character == "(" {
                frames[frames.count - 1] = .arithmetic(depth: depth + 1)
            } else if character == ")" {
                if depth <= 1 { frames.removeLast() } else { frames[frames.count - 1] = .arithmetic(depth: depth - 1) }
            }
        case .doubleQuoted:
            switch character {
            case "\\": escaped = true
            case "\"": frames.removeLast()
            case "`": frames.append(.backquoted)
            case "(" where last == "$": frames.append(.command(closedByParenthesis: true))
            case "{" where last == "$": frames.append(.parameter)
            default: break
            }
        case .command(let closedByParenthesis):
            switch character {
            case "\\": escaped = true
            case "'": frames.append(last == "$" ? .ansiCQuoted : .singleQuoted)
            case "\"": frames.append(.doubleQuoted)
            case "`": frames.append(.backquoted)
            case "(":
                if last == "(" && isFreshParenthesis {
                    // `$((` or `((`: arithmetic, two parentheses deep.
                    frames[frames.count - 1] = .arithmetic(depth: 2)
                } else {
                    frames.append(.command(closedByParenthesis: true))
                }
            case ")":
                if closedByParenthesis { frames.removeLast() }
            case "{" where last == "$": frames.append(.parameter)
            case "#" where Self.endsWord(last): frames.append(.comment)
            case "<" where last == "<": heredoc = true
            default: break
            }
        }
    }

    /// Whether the `(` before this one opened the frame on top (so `((` is one construct).
    private var isFreshParenthesis: Bool {
        if case .command(closedByParenthesis: true)? = frames.last { return true }
        return false
    }

    private static func endsWord(_ character: Character) -> Bool {
        character.isWhitespace || ";&|()<>".contains(character)
    }
}
