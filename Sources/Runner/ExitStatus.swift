/// The exit codes of SPEC §4, in one place.
public enum ExitStatus {
    public static let success: Int32 = 0
    /// A step failed, or verify failed.
    public static let failed: Int32 = 1
    /// The plan or the command line is invalid.
    public static let invalidInput: Int32 = 2
    /// Could not connect, or could not take the lock.
    public static let unavailable: Int32 = 3
    public static let interrupted: Int32 = 130
    public static let terminated: Int32 = 143
}
