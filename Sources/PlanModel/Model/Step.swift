/// One step of a resolved plan: the common keys plus exactly one action.
public struct Step: Sendable, Equatable {
    public var id: String?
    /// The name shown in output; defaults to the step kind.
    public var name: String?
    /// The `if:` condition, already evaluated against params and env.
    public var enabled: Bool
    public var transaction: TransactionPolicy
    public var timeout: Duration?
    public var retry: RetryPolicy?
    public var action: StepAction
    /// Where the step is written, and the chain of `uses:` that reached it (outermost first).
    public var location: SourceLocation
    public var includedFrom: [SourceLocation]

    public init(
        id: String? = nil, name: String? = nil, enabled: Bool = true,
        transaction: TransactionPolicy = .auto, timeout: Duration? = nil, retry: RetryPolicy? = nil,
        action: StepAction, location: SourceLocation, includedFrom: [SourceLocation] = []
    ) {
        self.id = id
        self.name = name
        self.enabled = enabled
        self.transaction = transaction
        self.timeout = timeout
        self.retry = retry
        self.action = action
        self.location = location
        self.includedFrom = includedFrom
    }

    /// What output calls this step: its `name`, else its `id`, else its kind.
    public var displayName: String { name ?? id ?? action.kind.rawValue }
}

public enum TransactionPolicy: String, Sendable, Equatable, CaseIterable {
    case auto, required, none
}

public struct RetryPolicy: Sendable, Equatable {
    public var attempts: Int
    public var backoff: Duration
    public init(attempts: Int, backoff: Duration) {
        self.attempts = attempts
        self.backoff = backoff
    }
}

public enum StepKind: String, Sendable, CaseIterable {
    case migrate, generate
    case indexConcurrently = "index-concurrently"
    case verify, resolve, sql, exec
}

public enum StepAction: Sendable, Equatable {
    case migrate(MigrateStep)
    case generate(GenerateStep)
    case indexConcurrently(IndexStep)
    case verify(VerifyStep)
    case resolve(ResolveStep)
    case sql(SQLStep)
    case exec(ExecStep)

    public var kind: StepKind {
        switch self {
        case .migrate: .migrate
        case .generate: .generate
        case .indexConcurrently: .indexConcurrently
        case .verify: .verify
        case .resolve: .resolve
        case .sql: .sql
        case .exec: .exec
        }
    }
}
