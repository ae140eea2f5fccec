import PlanModel

/// Whether an existing index is the one the step asks for, compared fact by fact from the
/// catalog (method, table, uniqueness, keys with opclass and ordering, INCLUDE, storage
/// parameters, predicate) rather than by text: pg_get_indexdef prints defaults, casts and
/// parentheses the author never wrote. Expressions and predicates, which only the server can
/// deparse, are compared after normalising case, whitespace, parentheses and casts.
enum IndexDefinitionComparison {
    /// What differs, in words; empty when the index is the one asked for.
    static func differences(step: IndexStep, existing: IndexCatalog.ExistingIndex) -> [String] {
        var found: [String] = []
        if existing.table != step.table {
            found.append("it is on table \(existing.table), not \(step.table)")
        }
        if existing.method != step.method.rawValue {
            found.append("it uses \(existing.method), not \(step.method.rawValue)")
        }
        if existing.unique != step.unique {
            found.append(existing.unique ? "it is UNIQUE" : "it is not UNIQUE")
        }
        if existing.keys.count != step.keys.count {
            found.append("it has \(existing.keys.count) key(s), not \(step.keys.count)")
        } else {
            for (position, (have, want)) in zip(existing.keys, step.keys).enumerated() {
                found += keyDifferences(have, want, position: position + 1)
            }
        }
        if existing.include != step.include {
            found.append("INCLUDE (\(existing.include.joined(separator: ", "))), not (\(step.include.joined(separator: ", ")))")
        }
        let haveOptions = Set(existing.options.map(normaliseOption))
        let wantOptions = Set(step.storage.map { normaliseOption($0.name + "=" + optionText($0.value)) })
        if haveOptions != wantOptions {
            found.append(
                "WITH (\(existing.options.joined(separator: ", "))), not (\(step.storage.map { $0.name + "=" + optionText($0.value) }.joined(separator: ", ")))"
            )
        }
        let havePredicate = existing.predicate.map(normaliseExpression)
        let wantPredicate = step.predicate.map(normaliseExpression)
        if havePredicate != wantPredicate {
            found.append("WHERE \(existing.predicate ?? "(none)"), not \(step.predicate ?? "(none)")")
        }
        return found
    }

    private static func keyDifferences(_ have: IndexCatalog.ExistingIndex.Key, _ want: IndexStep.Key, position: Int) -> [String] {
        var found: [String] = []
        switch want.target {
        case .column(let name):
            if have.column != name { found.append("key \(position) is \(have.text), not \(name)") }
        case .expression(let expression):
            if have.column != nil || normaliseExpression(have.text) != normaliseExpression(expression) {
                found.append("key \(position) is \(have.text), not (\(expression))")
            }
        }
        if let opclass = want.opclass {
            if have.opclass?.lowercased() != opclass.lowercased() {
                found.append("key \(position) uses opclass \(have.opclass ?? "?"), not \(opclass)")
            }
        } else if !have.opclassIsDefault {
            found.append("key \(position) uses opclass \(have.opclass ?? "?"), not the default")
        }
        let wantDescending = want.order == .desc
        let wantNullsFirst = want.nulls.map { $0 == .first } ?? wantDescending
        if have.descending != wantDescending { found.append("key \(position) is \(have.descending ? "DESC" : "ASC")") }
        if have.nullsFirst != wantNullsFirst { found.append("key \(position) has NULLS \(have.nullsFirst ? "FIRST" : "LAST")") }
        return found
    }

    private static func optionText(_ value: IndexStep.StorageParameter.Value) -> String {
        switch value {
        case .int(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .word(let word): word
        }
    }

    /// `name=value`, lowercased, with PostgreSQL's boolean spellings made one.
    static func normaliseOption(_ option: String) -> String {
        let parts = option.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces().lowercased() }
        guard parts.count == 2 else { return option.lowercased() }
        var value = parts[1]
        if value.hasPrefix("'"), value.hasSuffix("'"), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
        switch value {
        case "on", "true", "yes", "1", "t", "y": value = "true"
        case "off", "false", "no", "0", "f", "n": value = "false"
        default: break
        }
        return parts[0] + "=" + value
    }

    /// Lowercases outside quotes and drops whitespace, parentheses and `::type` casts, so
    /// `deleted_at IS NULL` and `(deleted_at IS NULL)`, or `status = 'x'` and
    /// `(status = 'x'::text)`, compare equal.
    static func normaliseExpression(_ text: String) -> String {
        var out: [Character] = []
        var characters = Array(text)[...]
        while let character = characters.first {
            characters = characters.dropFirst()
            switch character {
            case "'", "\"":
                out.append(character)
                while let next = characters.first {
                    characters = characters.dropFirst()
                    out.append(next)
                    if next == character {
                        if characters.first == character {
                            out.append(character)
                            characters = characters.dropFirst()
                        } else {
                            break
                        }
                    }
                }
            case ":" where characters.first == ":":
                characters = characters.dropFirst()
                while let next = characters.first,
                    next.isLetter || next.isNumber || next == "_" || next == "[" || next == "]" || next == "\""
                {
                    characters = characters.dropFirst()
                }
            case "(", ")":
                continue
            default:
                if character.isWhitespace { continue }
                out.append(Character(character.lowercased()))
            }
        }
        return String(out)
    }
}
