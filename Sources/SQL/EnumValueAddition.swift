/// `ALTER TYPE t ADD VALUE 'x'`: transactional since PostgreSQL 12, but the new value cannot be
/// used until the transaction that added it commits ("unsafe use of new value", 55P04). The lint
/// warns about a use in the same migration; a runner that puts several migrations in one
/// transaction must commit after one that adds a value.
struct EnumValueAddition {
    var type: QualifiedName
    /// The value's label, when it is written as a plain string literal.
    var label: String?

    /// Reads the statement's head; nil unless it is `ALTER TYPE … ADD VALUE`.
    static func read(_ reader: inout TokenReader) -> EnumValueAddition? {
        guard reader.skip("alter") && reader.skip("type"), let type = SQLLint.qualifiedName(&reader),
            reader.skip("add"), reader.skip("value")
        else { return nil }
        if reader.skip("if") { _ = reader.skip("not") && reader.skip("exists") }
        return EnumValueAddition(type: type, label: reader.next().flatMap(reader.tokens.stringValue))
    }
}

extension SQLStatement {
    /// The statement adds a value to an enum type, which later statements may use only after a commit.
    public var addsEnumValue: Bool {
        var found = false
        SQLLint.withTokens(self) { reader in found = EnumValueAddition.read(&reader) != nil }
        return found
    }
}
