/// `resolve`: Prisma's `migrate resolve`, idempotent inside a plan.
public struct ResolveStep: Sendable, Equatable {
    public enum Mark: Sendable, Equatable {
        case applied(String)
        case rolledBack(String)

        public var migrationName: String {
            switch self {
            case .applied(let name), .rolledBack(let name): name
            }
        }
    }

    public var mark: Mark
    public var migrations: String

    public init(mark: Mark, migrations: String) {
        self.mark = mark
        self.migrations = migrations
    }
}
