import Glibc
import Synchronization

/// Where files named by plans may be (issue 19, item 5): CI previews pull requests from
/// strangers with `--dry-run`, and a plan's `sql: { file: /proc/self/environ }` printed the
/// job's secrets into the step summary. Paths in plans (`file`, `uses`, `migrations`) must stay
/// inside the project root, lexically at load time and with symlinks resolved when read.
public struct ProjectRoot: Sendable, Equatable, CustomStringConvertible {
    /// Absolute, normalized directories; a path inside any of them is inside the root.
    public var directories: [String]

    public init(directories: [String]) {
        self.directories = directories.map { Paths.normalize($0) }
    }

    /// The default root of a plan run: the git work tree the top-level plan is in (a CI
    /// checkout; shared plans often sit beside the service's, `uses: ../../plans/…`), else its
    /// directory; and the project the command runs in: the working directory's git work tree,
    /// else the working directory itself (not `/`), where the default `prisma/migrations` and
    /// `.env` are, and on which a reusable plan installed elsewhere (/usr/share/plan/plans) acts;
    /// and the plans that ship with plan (`shippedPlans`), which a service's plan `uses:`.
    public static func around(planFile: String, workingDirectory: String, shippedPlans: String? = nil) -> ProjectRoot {
        let directory = Paths.absolute(Paths.directory(of: planFile), workingDirectory: workingDirectory)
        let cwd = Paths.normalize(workingDirectory)
        var roots = [gitWorkTree(containing: directory) ?? directory]
        if cwd != "/" { roots.append(gitWorkTree(containing: cwd) ?? cwd) }
        if let shippedPlans { roots.append(Paths.normalize(shippedPlans)) }
        let kept = roots.enumerated().filter { index, root in
            !roots.enumerated().contains { other, candidate in
                other != index && isInside(root, candidate) && (root != candidate || other < index)
            }
        }
        return ProjectRoot(directories: kept.map(\.element))
    }

    /// The nearest directory at or above `directory` holding `.git`, not `/`.
    static func gitWorkTree(containing directory: String) -> String? {
        var candidate = directory
        while candidate != "/" {
            if access(candidate + "/.git", F_OK) == 0 { return candidate }
            candidate = Paths.directory(of: candidate)
        }
        return nil
    }

    public var description: String { directories.joined(separator: " and ") }

    /// Whether `path` (relative to `workingDirectory`) is inside, by its text alone.
    public func containsLexically(_ path: String, workingDirectory: String) -> Bool {
        let absolute = Paths.absolute(path, workingDirectory: workingDirectory)
        if directories.contains(where: { Self.isInside(absolute, $0) }) { return true }
        // A link into the root (an image's /plans linked to the shipped plans) is inside.
        guard let real = Self.realPath(absolute) else { return false }
        return directories.contains { Self.isInside(real, Self.realPath($0) ?? $0) }
    }

    /// The real path of `path` (every symlink resolved) when it leads outside, else nil. A path
    /// that does not exist is not outside: reading it reports that it is missing.
    public func escape(of path: String) -> String? {
        guard let real = Self.realPath(path) else { return nil }
        let roots = directories.map { Self.realPath($0) ?? $0 }
        return roots.contains { Self.isInside(real, $0) } ? nil : real
    }

    static func isInside(_ path: String, _ directory: String) -> Bool {
        directory == "/" || path == directory || path.hasPrefix(directory + "/")
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The root the process's file reads are held to (`LocalFileSystem`'s default), set once by
    /// the CLI after loading the plan, before any step runs; nil reads anywhere.
    public static var processWide: ProjectRoot? {
        get { shared.withLock { $0 } }
        set { shared.withLock { $0 = newValue } }
    }
    private static let shared = Mutex<ProjectRoot?>(nil)
}
