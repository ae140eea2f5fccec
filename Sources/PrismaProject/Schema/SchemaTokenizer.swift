/// Tokens of the Prisma schema language (prisma-engines `psl/schema-ast/src/parser/datamodel.pest`):
/// identifiers (`[A-Za-z0-9_-]`, dots kept apart), JSON-style string literals, and single-character
/// punctuation. `//` and `///` comments are skipped; the grammar has no `/* */` comments, so a `/`
/// is just punctuation here and Prisma itself would reject the file.
struct SchemaToken: Equatable {
    enum Kind: Equatable {
        case identifier(String)
        case string(String)
        case punctuator(UInt8)
        case end
    }

    var kind: Kind
    var offset: Int
}

enum SchemaTokenizer {
    static func tokens(of source: SourceText) throws(PrismaProjectError) -> [SchemaToken] {
        let bytes = source.bytes
        var tokens: [SchemaToken] = []
        var offset = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                offset += 1
            } else if byte == UInt8(ascii: "/") && offset + 1 < bytes.count && bytes[offset + 1] == UInt8(ascii: "/") {
                while offset < bytes.count && bytes[offset] != UInt8(ascii: "\n") { offset += 1 }
            } else if byte == UInt8(ascii: "\"") {
                let start = offset
                tokens.append(SchemaToken(kind: .string(try readString(source, at: &offset)), offset: start))
            } else if isIdentifierByte(byte) {
                let start = offset
                while offset < bytes.count && isIdentifierByte(bytes[offset]) { offset += 1 }
                tokens.append(SchemaToken(kind: .identifier(source.text(start..<offset)), offset: start))
            } else {
                tokens.append(SchemaToken(kind: .punctuator(byte), offset: offset))
                offset += 1
                while offset < bytes.count && bytes[offset] & 0xC0 == 0x80 { offset += 1 }
            }
        }
        tokens.append(SchemaToken(kind: .end, offset: bytes.count))
        return tokens
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default: return false
        }
    }

    /// A JSON string: `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\uXXXX`; no raw control
    /// characters (so no line breaks) inside.
    private static func readString(_ source: SourceText, at offset: inout Int) throws(PrismaProjectError) -> String {
        let bytes = source.bytes
        let start = offset
        offset += 1
        var scalars = String.UnicodeScalarView()
        var plainStart = offset
        while true {
            guard offset < bytes.count, bytes[offset] >= 0x20 else {
                throw .syntax(message: "a string is not closed on its line", location: source.location(at: start))
            }
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                scalars.append(contentsOf: source.text(plainStart..<offset).unicodeScalars)
                offset += 1
                return String(scalars)
            }
            guard byte == UInt8(ascii: "\\") else {
                offset += 1
                continue
            }
            scalars.append(contentsOf: source.text(plainStart..<offset).unicodeScalars)
            guard offset + 1 < bytes.count else {
                throw .syntax(message: "a string is not closed on its line", location: source.location(at: start))
            }
            let escaped = bytes[offset + 1]
            offset += 2
            switch escaped {
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "u"):
                guard offset + 4 <= bytes.count, let value = UInt32(source.text(offset..<(offset + 4)), radix: 16) else {
                    throw .syntax(message: "an invalid \\u escape", location: source.location(at: offset - 2))
                }
                offset += 4
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            default:
                scalars.append(Unicode.Scalar(escaped))
            }
            plainStart = offset
        }
    }
}
