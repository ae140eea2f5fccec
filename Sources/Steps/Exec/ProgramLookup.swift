import FoundationEssentials

/// Finds the program of an argv as a shell would, so a missing one is reported by name before
/// anything starts instead of as a launch error.
enum ProgramLookup {
    /// A name with a slash is a path (relative ones against `directory`); a bare name is looked up
    /// in `path` (the child's PATH).
    static func find(_ program: String, path: String?, directory: String) -> String? {
        let manager = FileManager.default
        if program.contains("/") {
            let full = program.hasPrefix("/") ? program : directory + "/" + program
            return manager.isExecutableFile(atPath: full) ? full : nil
        }
        for entry in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false) {
            let folder = entry.isEmpty ? directory : (entry.hasPrefix("/") ? String(entry) : directory + "/" + entry)
            let candidate = folder + "/" + program
            var isDirectory = false
            if manager.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory,
                manager.isExecutableFile(atPath: candidate)
            {
                return candidate
            }
        }
        return nil
    }
}

/// An argv as one line a user can paste into a shell: words quoted only when they need it.
enum ShellQuoting {
    static func line(_ arguments: [String]) -> String {
        arguments.map(quote).joined(separator: " ")
    }

    static func quote(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-")
        if !word.isEmpty, word.allSatisfy({ safe.contains($0) }) { return word }
        return "'" + word.replacing("'", with: "'\\''") + "'"
    }
}
