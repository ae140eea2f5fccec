/// `sql`: run SQL from a file or inline, split into statements and classified like a migration.
public struct SQLStep: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// Inline SQL, params already rendered as typed SQL, with where it starts in the plan.
        case inline(String, location: SourceLocation)
        case file(String)
    }
    public var source: Source
    /// How its transactional units wait for locks: the plan's `lock_timeout`/`lock_retry`, or
    /// the step's own.
    public var lockSafety: LockSafety
    /// Risk rule codes the author accepts for this SQL (`acknowledge:`): reported, not gating.
    public var acknowledge: [String]
    public init(source: Source, lockSafety: LockSafety = .default, acknowledge: [String] = []) {
        self.source = source
        self.lockSafety = lockSafety
        self.acknowledge = acknowledge
    }
}
