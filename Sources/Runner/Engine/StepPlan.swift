/// What a step will do, decided from what it read: a dry-run shows this value, a run executes
/// exactly this value. Steps compute it once (`StepRunner.plan`), read-only; in a run they compute
/// it under the migration lock, so the facts it rests on cannot change before it acts.
public struct StepPlan<Work>: Sendable where Work: Sendable {
    /// What the step found that the reader should know, said before anything happens.
    public var notes: [Message]
    /// What stops it. A run fails with these before acting; a dry-run reports them as "would fail",
    /// unless an earlier step's planned change may remove them (see `Subject`).
    public var problems: [PlannedProblem]
    /// In order. A run performs each and nothing else; none means nothing to do.
    public var actions: [PlannedAction<Work>]
    /// What performing the actions changes, for the steps after it (dry-run only: in a run they
    /// have happened by the time a later step plans).
    public var changes: [Subject]
    /// What the plan was decided from: if an earlier step would change any of it, a dry-run says
    /// this plan was made from the database as it is now.
    public var reads: [Subject]
    /// Said when there is nothing to do.
    public var nothingToDo: String?
    /// Dry-run: why what the step will do cannot be known yet (`--offline`, another deploy's build
    /// in progress), said instead of actions.
    public var undetermined: String?
    /// Where the run stops after performing the actions: a migration that cannot be read, after
    /// those before it applied, as Prisma applies them one by one.
    public var failsAfterActions: StepFailure?
    /// A step whose planning is its work (verify's checks): with no problem it is done, not skipped.
    public var isCheck: Bool
    /// Dry-run: the risk report of what the actions would run (locks, rewrites, sizes, blockers),
    /// said after them.
    public var findings: [Finding] = []

    public init(
        notes: [Message] = [], problems: [PlannedProblem] = [], actions: [PlannedAction<Work>] = [], changes: [Subject] = [],
        reads: [Subject] = [], nothingToDo: String? = nil, undetermined: String? = nil, isCheck: Bool = false
    ) {
        self.notes = notes
        self.problems = problems
        self.actions = actions
        self.changes = changes
        self.reads = reads
        self.nothingToDo = nothingToDo
        self.undetermined = undetermined
        self.isCheck = isCheck
    }

    /// An offline plan: nothing read, so nothing decided.
    public static func offline(_ what: String, reads: [Subject], changes: [Subject]) -> StepPlan {
        StepPlan(changes: changes, reads: reads, undetermined: "offline: " + what)
    }

    public mutating func note(_ level: Message.Level = .info, _ text: String, sql: String? = nil, location: String? = nil) {
        notes.append(Message(level, text, sql: sql, location: location))
    }

    public mutating func fail(_ failure: StepFailure, unless change: Subject? = nil) {
        problems.append(PlannedProblem(failure, unlessChanged: change))
    }

    public mutating func act(_ summary: String, sql: String? = nil, location: String? = nil, _ work: Work) {
        actions.append(PlannedAction(summary: summary, sql: sql, location: location, work: work))
    }
}

/// One thing a step will do: how it is shown (the same words in a dry-run and a run), and the
/// step's own description of the work.
public struct PlannedAction<Work>: Sendable where Work: Sendable {
    public var summary: String
    /// The exact SQL it sends, when it sends SQL.
    public var sql: String?
    public var location: String?
    public var work: Work

    public var report: ActionReport { ActionReport(summary: summary, sql: sql, location: location) }
}

/// A reason a step cannot go on. `unlessChanged`: what it rests on — a table that is missing, a
/// history with a failed row — which an earlier step of the same run may change first.
public struct PlannedProblem: Sendable {
    public var failure: StepFailure
    public var unlessChanged: Subject?

    public init(_ failure: StepFailure, unlessChanged: Subject? = nil) {
        self.failure = failure
        self.unlessChanged = unlessChanged
    }
}

/// What a step reads or changes, coarse on purpose: precise enough that a dry-run tells a
/// problem an earlier step will fix from one it will not, without simulating SQL.
public enum Subject: Hashable, Sendable, CustomStringConvertible {
    /// `_prisma_migrations` as it concerns one migrations folder.
    case history(folder: String)
    /// One index, by name.
    case index(String)
    /// Tables, columns, extensions, indexes: what migrations and SQL create.
    case schema
    /// Files in a migrations folder.
    case folder(String)
    /// Anything at all (a program run by `exec`).
    case everything

    /// Whether changing `self` may change what reading `read` finds.
    public func mayChange(_ read: Subject) -> Bool {
        switch (self, read) {
        case (.everything, _), (_, .everything): true
        case (.schema, .history), (.schema, .folder): false
        case (.schema, _): true
        case (.index(let a), .index(let b)): a == b
        case (.index, .schema): true
        case (.history(let a), .history(let b)): a == b
        case (.folder(let a), .folder(let b)): a == b
        default: false
        }
    }

    public var description: String {
        switch self {
        case .history(let folder): "the migration history of \(folder)"
        case .index(let name): "index \(name)"
        case .schema: "the schema"
        case .folder(let folder): "the files in \(folder)"
        case .everything: "anything"
        }
    }
}

/// How a planned action appears in output, in a dry-run and a run alike.
public struct ActionReport: Sendable, Equatable {
    public var summary: String
    public var sql: String?
    public var location: String?

    public init(summary: String, sql: String? = nil, location: String? = nil) {
        self.summary = summary
        self.sql = sql
        self.location = location
    }
}
