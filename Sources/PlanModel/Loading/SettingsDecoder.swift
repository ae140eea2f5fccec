/// `settings:` and the `settings:` of an environment, which replaces the keys it names.
extension FileContext {
    static let settingsKeys = ["database_url", "migrations", "lock_timeout", "lock_retry", "lock_wait", "statement_timeout"]

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
        if !applyLockSafety(mapping, to: &settings.lockSafety) { valid = false }
        if let wait = mapping["lock_wait"] {
            if let value = duration(wait, "'lock_wait'") { settings.lockWait = value } else { valid = false }
        }
        if let timeout = mapping["statement_timeout"] {
            if let value = duration(timeout, "'statement_timeout'") { settings.statementTimeout = value } else { valid = false }
        }
        return valid
    }
}

extension FileContext {
    /// `lock_timeout: 1s | none | 0` and `lock_retry: { budget: 5m, max_lock_timeout: 2s }`, in
    /// `settings:` or on a migrate or sql step; false when one of them is invalid.
    func applyLockSafety(_ mapping: MappingReader, to safety: inout LockSafety) -> Bool {
        var valid = true
        if let node = mapping["lock_timeout"] {
            if node.scalar?.value == "none" {
                safety.lockTimeout = nil
            } else if let value = duration(node, "'lock_timeout'") {
                safety.lockTimeout = value > .zero ? value : nil
            } else {
                valid = false
            }
        }
        if let node = mapping["lock_retry"] {
            guard let retry = MappingReader(node, "'lock_retry'", known: ["budget", "max_lock_timeout"], context: self) else {
                return false
            }
            if let budget = retry["budget"] {
                if let value = duration(budget, "'budget'") { safety.budget = value } else { valid = false }
            }
            if let cap = retry["max_lock_timeout"] {
                if let value = duration(cap, "'max_lock_timeout'") { safety.maxLockTimeout = value } else { valid = false }
            }
        }
        return valid
    }
}
