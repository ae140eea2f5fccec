import FoundationEssentials

/// The process's environment variables. Read once, where a command starts
/// (plan/Wiring/ProjectContext), and passed down from there.
public enum ProcessEnvironment {
    public static func variables() -> [String: String] { ProcessInfo.processInfo.environment }
}
