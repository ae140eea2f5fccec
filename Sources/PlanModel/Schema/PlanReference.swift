/// The plan-file reference (docs/PLAN-FILE.md, `plan schema --format markdown`), read off the
/// same document as `plan schema`: every key with its type, default and description, and an
/// example per step. A key added to the schema shows up here; a test keeps the checked-in copy
/// current.
public enum PlanReference {
    public static var markdown: String {
        Reader(PlanSchema.document).markdown
    }

    private struct Reader {
        let document: RenderNode
        let definitions: RenderNode

        init(_ document: RenderNode) {
            self.document = document
            definitions = document["$defs"] ?? .map([])
        }

        var markdown: String {
            var text = """
                # Plan file reference

                Generated from the plan-file JSON Schema (Sources/PlanModel/Schema/PlanSchema.swift), the
                same document `plan schema` prints for editors; regenerate with `scripts/docs` (or
                `plan schema --format markdown > docs/PLAN-FILE.md`). A plan file is YAML; `plan check FILE`
                checks it without a database. Where a value is read by the loader, it may also be a
                `${{ … }}` expression over `params.NAME`, `env.NAME` and `plan.name`.


                """
            text += "## Top level\n\n" + (document["description"]?.text ?? "") + "\n\n" + table(document)
            if let param = definitions["param"].flatMap(objectOption) {
                text += "\n## `params`\n\nEach param is a type name (`lists: int`) or a mapping:\n\n" + table(param)
            }
            if let environment = definitions["environments"]?["additionalProperties"] {
                text += "\n## `environments`\n\nEach environment (`--env NAME`) is a mapping:\n\n" + table(environment)
            }
            if let settings = definitions["settings"] {
                text += "\n## `settings`\n\n" + table(settings)
                if let retry = definitions["lock_retry"] { text += "\n`lock_retry` is a mapping:\n\n" + table(retry) }
            }
            text += "\n## Value types\n\n| type | written as |\n|---|---|\n"
            for name in ["duration", "size", "identifier", "int", "bool", "text", "path", "migrationName"] {
                guard let definition = definitions[name] else { continue }
                let written: String
                switch name {
                case "identifier": written = "a PostgreSQL name of at most 63 bytes, quoted in SQL as an identifier"
                case "int": written = "an integer"
                case "bool": written = "true or false"
                case "text": written = "a string (numbers and bools are read as text)"
                case "path": written = "a path, relative to the file that names it"
                case "migrationName": written = "a migration folder's name: letters, digits, `_` and `-`"
                default: written = definition["description"]?.text ?? ""
                }
                text += "| \(typeName(ref: name)) | \(cell(written)) |\n"
            }
            text += "\n## Steps\n\nA step is a mapping with exactly one step key, or `uses:`, and these common keys:\n\n"
            let options = definitions["step"]?["oneOf"]?.items ?? []
            if let first = options.first {
                let common = first["properties"]?.entries.filter { entry in
                    !(first["required"]?.items.contains(.string(entry.key)) ?? false)
                }
                text += table(entries: common ?? [], required: [])
            }
            for option in options {
                guard let key = option["required"]?.items.first?.text else { continue }
                let body = key == "uses" ? option : option["properties"]?[key]
                text += "\n### `\(key)`\n\n" + (option["description"]?.text ?? "") + "\n\n"
                if let body, let object = objectOption(body) {
                    if key != "uses", let shorthand = shorthand(body) { text += "Also written as \(shorthand).\n\n" }
                    text += table(object)
                }
                if let example = option["examples"]?.items.first {
                    text +=
                        "\nExample:\n\n```yaml\nsteps:\n"
                        + RenderNode.list([example]).yaml().lines().filter { !$0.isEmpty }.map { "  " + $0 }
                        .joined(separator: "\n") + "\n```\n"
                }
            }
            text += "\n## `verify` checks\n\nEach check is a mapping with one check key:\n\n"
            for check in definitions["check"]?["oneOf"]?.items ?? [] {
                guard let key = check["required"]?.items.first?.text else { continue }
                let body = key == "query" ? check : check["properties"]?[key]
                text += "\n### `\(key)`\n\n" + (check["description"]?.text ?? "") + "\n\n"
                guard let body else { continue }
                if let object = objectOption(body) {
                    if key != "query", let shorthand = shorthand(body) { text += "Also written as \(shorthand).\n\n" }
                    text += table(object)
                } else {
                    text += "Written as \(typeText(body)).\n"
                }
            }
            return text
        }

        // MARK: Tables

        func table(_ object: RenderNode) -> String {
            table(entries: object["properties"]?.entries ?? [], required: object["required"]?.items.compactMap(\.text) ?? [])
        }

        func table(entries: [RenderNode.Entry], required: [String]) -> String {
            var text = "| key | type | default | description |\n|---|---|---|---|\n"
            for entry in entries {
                let node = entry.value
                let defaultValue = node["default"].map(literal) ?? (required.contains(entry.key) ? "required" : "")
                text += "| `\(entry.key)` | \(typeText(node)) | \(defaultValue) | \(cell(description(node))) |\n"
            }
            return text
        }

        /// The node's description, else that of the definition it refers to.
        func description(_ node: RenderNode) -> String {
            if let text = node["description"]?.text { return text }
            if let name = node["$ref"]?.text, let definition = definitions[String(name.split(separator: "/").last ?? "")] {
                return definition["description"]?.text ?? ""
            }
            return ""
        }

        /// The mapping form of a node that may also be written shorter (`migrate: {}` or `null`).
        func objectOption(_ node: RenderNode) -> RenderNode? {
            if node["properties"] != nil { return node }
            return (node["anyOf"]?.items ?? []).first { $0["properties"] != nil }
        }

        /// How the node may be written besides its mapping form.
        func shorthand(_ node: RenderNode) -> String? {
            let others = (node["anyOf"]?.items ?? []).filter { $0["properties"] == nil && $0["$ref"]?.text != "#/$defs/expression" }
            guard !others.isEmpty else { return nil }
            return others.map(typeText).joined(separator: " or ")
        }

        // MARK: Types

        func typeText(_ node: RenderNode) -> String {
            if let name = node["$ref"]?.text { return typeName(ref: String(name.split(separator: "/").last ?? "")) }
            if let values = node["enum"]?.items {
                var seen: [String] = []
                for value in values.map(literal) where !seen.contains(value) { seen.append(value) }
                return seen.joined(separator: ", ")
            }
            if let value = node["const"] { return literal(value) }
            if node["properties"] != nil { return "mapping" }
            if let options = node["anyOf"]?.items ?? node["oneOf"]?.items {
                var seen: [String] = []
                for option in options where option["$ref"]?.text != "#/$defs/expression" {
                    let text = typeText(option)
                    if !seen.contains(text) { seen.append(text) }
                }
                return seen.isEmpty ? "expression" : seen.joined(separator: " or ")
            }
            switch node["type"]?.text {
            case "string": return "string"
            case "integer": return "int"
            case "number": return "number"
            case "boolean": return "bool"
            case "null": return "the key alone, with no value"
            case "object": return "mapping"
            case "array":
                guard let items = node["items"] else { return "list" }
                return "list of \(typeText(items))"
            default: return node["properties"] != nil ? "mapping" : "any"
            }
        }

        func typeName(ref name: String) -> String {
            switch name {
            case "lock_timeout": "duration or `none`"
            case "lock_retry", "params", "environments", "settings", "param": "mapping"
            case "migrationName": "migration name"
            case "step": "step"
            case "check": "check"
            default: name
            }
        }

        func literal(_ node: RenderNode) -> String {
            switch node {
            case .string(let text): "`\(text)`"
            case .int(let number): "`\(number)`"
            case .bool(let flag): "`\(flag)`"
            case .null: "`null`"
            default: "…"
            }
        }

        func cell(_ text: String) -> String { text.replacing("|", with: "\\|").replacing("\n", with: " ") }
    }
}

extension RenderNode {
    fileprivate subscript(key: String) -> RenderNode? {
        guard case .map(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    fileprivate var entries: [Entry] {
        if case .map(let entries) = self { entries } else { [] }
    }

    fileprivate var items: [RenderNode] {
        if case .list(let items) = self { items } else { [] }
    }

    fileprivate var text: String? {
        if case .string(let text) = self { text } else { nil }
    }
}
