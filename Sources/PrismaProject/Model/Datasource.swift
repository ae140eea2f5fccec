/// The datasource `prisma migrate` connects to. Migrate uses `directUrl` when it is set, else `url`
/// (Prisma 6's `getEffectiveUrl`); Prisma 7 has only `url`, in the config file.
public struct Datasource: Sendable, Equatable {
    /// Where the connection values came from: `prisma.config.*`'s `datasource` replaces the
    /// schema block's URLs as a whole (Prisma 6.19's `engine: 'classic'`, and Prisma 7).
    public enum Origin: Sendable, Equatable {
        case schema
        case config
    }

    /// `provider` of the schema's datasource block (`postgresql` or `postgres`).
    public var provider: String
    /// The datasource block itself (name and place), e.g. `db` at `schema.prisma:22:1`.
    public var name: String
    public var location: PrismaLocation
    public var urlOrigin: Origin
    public var url: ConnectionValue?
    public var directUrl: ConnectionValue?
    public var shadowDatabaseUrl: ConnectionValue?
    /// `schemas = ["a", "b"]` (multi-schema), empty when absent.
    public var schemas: [String]

    public init(
        provider: String, name: String, location: PrismaLocation, urlOrigin: Origin, url: ConnectionValue?,
        directUrl: ConnectionValue?, shadowDatabaseUrl: ConnectionValue?, schemas: [String]
    ) {
        self.provider = provider
        self.name = name
        self.location = location
        self.urlOrigin = urlOrigin
        self.url = url
        self.directUrl = directUrl
        self.shadowDatabaseUrl = shadowDatabaseUrl
        self.schemas = schemas
    }

    /// The value `prisma migrate` connects with: `directUrl`, else `url`.
    public var migrationURL: ConnectionValue? { directUrl ?? url }
}

/// One connection value as written: a variable to read or a literal URL, and where it was written.
public struct ConnectionValue: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        case environment(variable: String)
        case literal(String)
    }

    public var source: Source
    /// The key that holds it (`url`, `directUrl`, `datasource.url`, …), for messages.
    public var key: String
    public var location: PrismaLocation
    /// True when an empty variable counts as unset: `env('X')` from `prisma/config` throws
    /// "Cannot resolve environment variable: X." for both. The schema's `env("X")` and
    /// `process.env.X` hand an empty string on.
    public var emptyMeansUnset: Bool

    public init(source: Source, key: String, location: PrismaLocation, emptyMeansUnset: Bool = false) {
        self.source = source
        self.key = key
        self.location = location
        self.emptyMeansUnset = emptyMeansUnset
    }

    /// The variable's name, when the value comes from the environment.
    public var variable: String? {
        if case .environment(let variable) = source { return variable }
        return nil
    }
}

/// A 1-based line and column in a file (columns count Unicode scalars).
public struct PrismaLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}
