/// The tool's version, reported by `plan --version` and in `application_name`.
public enum PlanVersion {
    public static let current = "0.1.0"
}
