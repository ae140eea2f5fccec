import FoundationEssentials
import Runner

/// The files of a folder that differ from a git ref: `git diff --name-only REF` (committed and
/// uncommitted changes since the ref) plus untracked files (`git ls-files --others
/// --exclude-standard`), as paths relative to the folder. git runs as a child process, the only
/// one `plan check` starts.
enum GitChanges {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// `environment`: the run's, read once, which git starts with.
    static func files(in folder: String, since ref: String, environment: [String: String]) throws(Failure) -> [String] {
        let changed = try git(
            ["diff", "--name-only", "--relative", "--no-renames", ref, "--", "."], in: folder, environment: environment)
        let untracked = try git(["ls-files", "--others", "--exclude-standard", "--", "."], in: folder, environment: environment)
        return changed + untracked
    }

    private static func git(_ arguments: [String], in folder: String, environment: [String: String]) throws(Failure) -> [String] {
        guard let executable = ProgramLookup.find("git", path: environment["PATH"], directory: folder) else {
            throw Failure(description: "--since needs git, which is not on PATH")
        }
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(
                executable: executable, arguments: ["git"] + arguments, environment: environment, directory: folder)
        } catch {
            throw Failure(description: "could not start git: \(error.description)")
        }
        var out: [String] = []
        var errors: [String] = []
        while true {
            let (lines, finished) = child.output.take(waitingAtMost: .seconds(1), wakeDescriptor: child.waiter.endedDescriptor)
            for line in lines {
                if line.stream == .stdout { out.append(line.text) } else { errors.append(line.text) }
            }
            if finished, let termination = child.poll() {
                guard termination == .exited(0) else {
                    throw Failure(
                        description: "`git \(arguments.joined(separator: " "))` in \(folder) failed: "
                            + (errors.first ?? "\(termination)"))
                }
                return out.filter { !$0.isEmpty }
            }
        }
    }
}

/// Which migrations `plan check` lints. Unscoped, all of them; `--since REF`, the folders with a
/// file changed since the ref; with a database, the ones it has not applied; both, either.
public struct MigrationScope: Sendable {
    /// Migration directory names changed since `ref`.
    public var changed: Set<String>?
    public var ref: String?
    /// Names the database has applied (finished, not rolled back); nil without a database.
    public var applied: Set<String>?

    public init(changed: Set<String>? = nil, ref: String? = nil, applied: Set<String>? = nil) {
        self.changed = changed
        self.ref = ref
        self.applied = applied
    }

    public var isScoped: Bool { changed != nil || applied != nil }

    public func includes(_ name: String) -> Bool {
        guard isScoped else { return true }
        if let changed, changed.contains(name) { return true }
        if let applied, !applied.contains(name) { return true }
        return false
    }

    /// The migration folders changed in `folder` since `ref`.
    public static func changedMigrations(in folder: String, since ref: String, environment: [String: String]) throws -> Set<String> {
        Set(
            try GitChanges.files(in: folder, since: ref, environment: environment).compactMap { path in
                path.split(separator: "/").first.map(String.init)
            })
    }

    /// What the scope is, for the note `plan check` prints.
    public var summary: String {
        var parts: [String] = []
        if let ref { parts.append("changed since \(ref)") }
        if applied != nil { parts.append("not yet applied to the database") }
        return parts.joined(separator: " or ")
    }
}
