/// The `.env` files Prisma would load, in load order. Like dotenv, loading must not override a
/// variable that is already set; the caller decides whether and how to load them (this module
/// never reads the process environment).
///
/// What Prisma does (read in prisma/prisma):
/// - Prisma ≤ 6 without a config file (`packages/internals/src/utils/getEnvPaths.ts`,
///   `tryLoadEnvs.ts`): the `.env` beside the nearest `package.json` found walking up from the
///   working directory (the "root" file), then the first that exists of: `<dir of --schema>/.env`,
///   `./prisma/.env`, `./.env`. Both are loaded; a key set in both with different values is an
///   error there ("There is a conflict between env vars").
/// - With a `prisma.config.*` file, Prisma 6 prints "Prisma config detected, skipping environment
///   variable loading." (`loadEnvFile.ts`) and Prisma 7 loads the config with c12's `dotenv: false`
///   (`packages/config/src/loadConfigFromFile.ts`): no `.env` at all, unless the config itself
///   imports `dotenv/config`, which loads `./.env` from the working directory.
public struct EnvironmentFiles: Sendable, Equatable {
    public enum Rule: Sendable, Equatable {
        /// Prisma ≤ 6's own loading (no config file).
        case prismaDefaults
        /// A config file is present and does not load `.env` itself: nothing is loaded.
        case configFileLoadsNone
        /// The config file runs `import 'dotenv/config'` (or dotenvx's): `./.env` is loaded.
        case configImportsDotenv(PrismaLocation)
        /// The config file loads `.env` in its own way (`dotenv.config({ path })`, …), which this
        /// reader does not interpret; `paths` is empty and the caller may want to say so.
        case configLoadsEnvironmentItself(PrismaLocation)
    }

    public var paths: [String]
    public var rule: Rule

    public init(paths: [String], rule: Rule) {
        self.paths = paths
        self.rule = rule
    }
}
