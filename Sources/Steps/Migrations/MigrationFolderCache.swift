/// The migrations folders one run has read, shared by its steps: verify's `migrations` check
/// after a migrate step then compares the history with the folder migrate just read rather than
/// reading and hashing every file again (half of a nothing-pending run over 500 migrations).
/// Nothing a run does rewrites migration files except the steps that may write files — exec and
/// generate — which empty the cache before they run.
///
/// A run's steps run one after another on one thread; the cache is not shared beyond that.
public final class MigrationFolderCache {
    private var folders: [String: MigrationFolder] = [:]

    public init() {}

    func folder(at path: String) throws(MigrationError) -> MigrationFolder {
        if let folder = folders[path] { return folder }
        let folder = try MigrationFolder.load(path)
        folders[path] = folder
        return folder
    }

    /// For a step that may change files: later steps read the folders again.
    func forget() { folders.removeAll() }
}
