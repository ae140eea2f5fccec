/// Path arithmetic on strings, the way Node's `path.resolve` / `path.join` do it: lexical, with
/// `.` and `..` folded and no symlinks resolved, so results match the paths Prisma prints.
enum ProjectPath {
    static func isAbsolute(_ path: String) -> Bool { path.hasPrefix("/") }

    /// `relative` against `base`, unless it is absolute.
    static func resolve(_ relative: String, against base: String) -> String {
        isAbsolute(relative) ? normalize(relative) : join(base, relative)
    }

    static func join(_ parts: String...) -> String { normalize(parts.filter { !$0.isEmpty }.joined(separator: "/")) }

    static func directory(of path: String) -> String {
        let normalized = normalize(path)
        guard let slash = normalized.lastIndex(of: "/") else { return "." }
        if slash == normalized.startIndex { return "/" }
        return String(normalized[..<slash])
    }

    static func fileName(of path: String) -> String {
        let normalized = normalize(path)
        guard let slash = normalized.lastIndex(of: "/") else { return normalized }
        return String(normalized[normalized.index(after: slash)...])
    }

    /// Folds `.`, `..` and repeated slashes; keeps a leading `..` of a relative path; `.` for empty.
    static func normalize(_ path: String) -> String {
        let absolute = isAbsolute(path)
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !absolute {
                    parts.append(part)
                }
            default: parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }
}
