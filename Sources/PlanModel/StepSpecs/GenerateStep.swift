/// `generate`: write a new migration folder, like `prisma migrate dev --create-only`.
public struct GenerateStep: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// Inline SQL, already rendered (params interpolated as typed SQL).
        case sql(String)
        /// A file whose bytes become the migration; the path is resolved.
        case file(String)
        /// The SQL another step (by `id`) would run, e.g. an `index-concurrently` definition.
        case step(String)
    }

    /// The migration name after the timestamp: `<UTC YYYYMMDDHHMMSS>_<name>`.
    public var name: String
    public var migrations: String
    public var source: Source

    public init(name: String, migrations: String, source: Source) {
        self.name = name
        self.migrations = migrations
        self.source = source
    }
}
