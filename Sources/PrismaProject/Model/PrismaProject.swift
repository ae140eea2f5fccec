/// A Prisma project as `prisma migrate deploy` would see it: where the schema is, which folder holds
/// the migrations, which datasource it migrates and which `.env` files Prisma would have loaded.
/// Each part says how it was chosen, so a run can print it and a person can check it.
public struct PrismaProject: Sendable, Equatable {
    public var schema: SchemaLocation
    public var migrations: MigrationsLocation
    public var datasource: Datasource
    /// The `prisma.config.*` file that was read, if any.
    public var configFile: String?
    /// The `.env` files Prisma would load before reading the datasource, and why.
    public var environmentFiles: EnvironmentFiles

    public init(
        schema: SchemaLocation, migrations: MigrationsLocation, datasource: Datasource, configFile: String?,
        environmentFiles: EnvironmentFiles
    ) {
        self.schema = schema
        self.migrations = migrations
        self.datasource = datasource
        self.configFile = configFile
        self.environmentFiles = environmentFiles
    }
}

/// The Prisma schema: one file, or a folder whose `*.prisma` files (searched recursively) form one
/// schema.
public struct SchemaLocation: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case file
        /// A multi-file schema: every `*.prisma` file under `path`, in path order.
        case folder(files: [String])
    }

    /// How the schema was found, in Prisma's order of precedence.
    public enum Origin: Sendable, Equatable {
        /// `--schema PATH`, relative to the working directory.
        case flag
        /// `schema` in `prisma.config.*`, relative to the config file's folder.
        case config(PrismaLocation)
        /// `"prisma": { "schema": … }` in the nearest `package.json` (Prisma ≤ 6).
        case packageJSON(PrismaLocation)
        /// One of Prisma's default places (`schema.prisma`, `prisma/schema.prisma`, `prisma/schema/`).
        case defaultPlace
    }

    public var path: String
    public var kind: Kind
    public var origin: Origin

    public init(path: String, kind: Kind, origin: Origin) {
        self.path = path
        self.kind = kind
        self.origin = origin
    }
}

/// The folder of `<name>/migration.sql` directories. Discovery does not check that it exists: a
/// missing folder is the caller's error to report, with `origin` saying how the path was chosen.
public struct MigrationsLocation: Sendable, Equatable {
    public enum Origin: Sendable, Equatable {
        /// The caller's own flag (`--migrations`).
        case flag
        /// `migrations.path` in `prisma.config.*`, relative to the config file's folder.
        case config(PrismaLocation)
        /// `migrations` beside the schema file, or inside the schema folder (Prisma 7's rule for a
        /// multi-file schema).
        case besideSchema
        /// `migrations` beside the multi-file schema's file that holds the datasource block
        /// (Prisma 6's rule; used when the schema itself names the URL, which Prisma 7 refuses).
        case besideDatasourceFile(String)
    }

    public var path: String
    public var origin: Origin

    public init(path: String, origin: Origin) {
        self.path = path
        self.origin = origin
    }
}
