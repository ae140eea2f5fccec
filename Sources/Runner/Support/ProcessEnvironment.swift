import Glibc

/// The process's environment variables, read from `environ` directly. ProcessInfo's copy sets
/// ProcessInfo itself up on first use, which showed in profiles of a nothing-pending run as a
/// few tenths of a millisecond on the main thread before it can start reading migrations.
public enum ProcessEnvironment {
    /// Every `NAME=value` entry; for a name given twice, the first, as getenv(3) reads it.
    public static func variables() -> [String: String] {
        var variables: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.utf8.firstIndex(of: UInt8(ascii: "=")) {
                let name = String(text[..<equals])
                if variables[name] == nil { variables[name] = String(text[text.index(after: equals)...]) }
            }
            entry += 1
        }
        return variables
    }
}
