/// A fully resolved plan: includes expanded, params bound, expressions evaluated.
/// Everything past the loader works on this value and never on YAML.
public struct Plan: Sendable, Equatable {
    /// The format version from `plan: 1`.
    public var formatVersion: Int
    public var name: String
    public var description: String?
    /// The file the plan was loaded from.
    public var file: String
    public var params: [BoundParam]
    /// The environment chosen with `--env`, if any.
    public var environment: String?
    public var settings: Settings
    public var steps: [Step]
    /// Texts that came from the process environment (`env.X`) and ended up in the plan,
    /// longest first. Output replaces each with `***`; see `redacting(_:)`.
    public var secretValues: [String] = []
    /// Where files this plan names must be (nil: anywhere); steps read through it.
    public var projectRoot: ProjectRoot?

    public init(
        formatVersion: Int = 1, name: String, description: String? = nil, file: String,
        params: [BoundParam] = [], environment: String? = nil, settings: Settings = Settings(),
        steps: [Step] = []
    ) {
        self.formatVersion = formatVersion
        self.name = name
        self.description = description
        self.file = file
        self.params = params
        self.environment = environment
        self.settings = settings
        self.steps = steps
    }

    /// `text` with every secret value replaced by `***`, for anything printed.
    public func redacting(_ text: String) -> String {
        var result = text
        for secret in secretValues where !secret.isEmpty && result.contains(secret) {
            result = result.replacing(secret, with: "***")
        }
        return result
    }
}

/// A param with the value it ended up with, and where that value came from.
public struct BoundParam: Sendable, Equatable {
    public enum Origin: String, Sendable, Equatable { case `default`, environment, commandLine, with }
    public var name: String
    public var value: Value
    public var origin: Origin

    public init(name: String, value: Value, origin: Origin) {
        self.name = name
        self.value = value
        self.origin = origin
    }
}

/// Plan-wide settings (`settings:`), after the chosen environment's overrides.
public struct Settings: Sendable, Equatable {
    /// The connection URL the plan names. It may come from `env`, so it is a secret.
    public var databaseURL: Secret?
    /// The migrations folder for steps that take one, relative paths already resolved.
    public var migrations: String
    /// How `migrations` was chosen, for messages about it ("settings.migrations at f:3:3",
    /// "the Prisma schema at prisma/schema.prisma").
    public var migrationsChosenBy: String
    /// `lock_timeout` and `lock_retry`: how migrations and `sql` steps wait for their locks
    /// (steps may override them).
    public var lockSafety: LockSafety
    /// `lock_wait`: how long to wait for the migration lock (the advisory lock another deploy
    /// holds); the command line's `--lock-wait` wins.
    public var lockWait: Duration?
    public var statementTimeout: Duration?

    public init(
        databaseURL: Secret? = nil, migrations: String = "prisma/migrations",
        migrationsChosenBy: String = "the default folder", lockSafety: LockSafety = .default, lockWait: Duration? = nil,
        statementTimeout: Duration? = nil
    ) {
        self.databaseURL = databaseURL
        self.migrations = migrations
        self.migrationsChosenBy = migrationsChosenBy
        self.lockSafety = lockSafety
        self.lockWait = lockWait
        self.statementTimeout = statementTimeout
    }

    /// The first attempt's lock_timeout (nil: none).
    public var lockTimeout: Duration? { lockSafety.lockTimeout }
}

/// A string that must never be printed as it is (a password, a value read from `env`).
public struct Secret: Sendable, Equatable, CustomStringConvertible {
    public var revealed: String
    public init(_ value: String) { revealed = value }
    public var description: String { "***" }
}
