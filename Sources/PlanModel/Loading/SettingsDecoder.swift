/// `settings:` and the `settings:` of an environment, which replaces the keys it names.
extension FileContext {
    static let settingsKeys = ["database_url", "migrations", "lock_timeout", "statement_timeout"]

    /// Applies the keys written in `node` to `settings`; false when one of them is invalid.
    func applySettings(_ node: YAMLNode, what: String, to settings: inout Settings) -> Bool {
        guard let mapping = MappingReader(node, what, known: Self.settingsKeys, context: self) else { return false }
        var valid = true
        if let url = mapping["database_url"] {
            if let text = string(url, "'database_url'") {
                settings.databaseURL = text.isEmpty ? nil : Secret(text)
            } else {
                valid = false
            }
        }
        if let folder = mapping["migrations"] {
            if let resolved = path(folder, "'migrations'") {
                settings.migrations = resolved
                settings.migrationsChosenBy = "'migrations' at \(folder.location)"
            } else {
                valid = false
            }
        }
        if let timeout = mapping["lock_timeout"] {
            if let value = duration(timeout, "'lock_timeout'") { settings.lockTimeout = value } else { valid = false }
        }
        if let timeout = mapping["statement_timeout"] {
            if let value = duration(timeout, "'statement_timeout'") { settings.statementTimeout = value } else { valid = false }
        }
        return valid
    }
}
