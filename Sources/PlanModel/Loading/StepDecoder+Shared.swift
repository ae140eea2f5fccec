import SQL

/// What several step decoders share (each step's own decoder is in its StepSpecs file).
extension FileContext {
    /// A Prisma migration folder name (or the part after its timestamp).
    func migrationName(_ node: YAMLNode, _ what: String) -> String? {
        guard let name = string(node, what) else { return nil }
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
            report(.badMigrationName(name), at: node.location)
            return nil
        }
        return name
    }

    /// Where the text of a scalar begins: for a block scalar (`|`), the first content line,
    /// so that positions inside inline SQL map back onto the plan file.
    func contentLocation(of node: YAMLNode) -> SourceLocation {
        guard let scalar = node.scalar, scalar.style == .literal || scalar.style == .folded,
            let source = session.sources[file]
        else {
            var location = node.location
            if node.scalar?.style == .singleQuoted || node.scalar?.style == .doubleQuoted { location.column += 1 }
            return location
        }
        var line = node.location.line + 1
        while let text = source.line(line), text.allSatisfy(\.isWhitespace), line < source.lines.count { line += 1 }
        let indentation = source.line(line)?.prefix { $0 == " " }.count ?? 0
        return SourceLocation(file: file, line: line, column: indentation + 1)
    }

    /// `acknowledge: [changing-column-type, …]`: risk rule codes, each one the catalogue knows.
    func riskCodes(_ node: YAMLNode, _ what: String) -> [String]? {
        list(node, what) { item, itemWhat in
            guard let code = string(item, itemWhat) else { return nil }
            guard RiskRule.named(code) != nil else {
                let codes = RiskRule.all.map(\.code)
                report(
                    .notOneOf(itemWhat, value: code, allowed: codes, suggestion: Suggestion.closest(to: code, in: codes)), at: item.location
                )
                return nil
            }
            return code
        }
    }
}
