/// A token of JavaScript / TypeScript, as much as reading a config file statically needs.
struct JSToken: Equatable {
    enum Kind: Equatable {
        case identifier(String)
        /// A '…' or "…" literal, escapes decoded.
        case string(String)
        /// A `…` literal: its text when it has no `${…}`, nil when it has.
        case template(String?)
        case number(String)
        case regularExpression
        /// `{ } ( ) [ ] , : ; . = ! ? < > + - * / % & |` one by one, and `...`, `=>`, `?.`, `??`,
        /// `||`, `&&` as one.
        case punctuator(String)
        case end
    }

    var kind: Kind
    /// Byte offsets in the file.
    var range: Range<Int>

    func isPunctuator(_ text: String) -> Bool { kind == .punctuator(text) }

    func isIdentifier(_ text: String) -> Bool { kind == .identifier(text) }

    var identifier: String? {
        if case .identifier(let name) = kind { return name }
        return nil
    }
}
