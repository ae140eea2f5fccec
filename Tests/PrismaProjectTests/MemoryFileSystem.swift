@testable import PrismaProject

/// An in-memory file tree for discovery tests: files by absolute path; folders are implied.
struct MemoryFileSystem: ProjectFileSystem {
    var files: [String: String]

    init(_ files: [String: String]) { self.files = files }

    func kind(of path: String) -> ProjectFileKind? {
        let path = ProjectPath.normalize(path)
        if files[path] != nil { return .file }
        let prefix = path == "/" ? "/" : path + "/"
        return files.keys.contains { $0.hasPrefix(prefix) } ? .directory : nil
    }

    func contents(of path: String) throws(ProjectFileError) -> String {
        guard let text = files[ProjectPath.normalize(path)] else { throw ProjectFileError(reason: "No such file or directory") }
        return text
    }

    func entries(of directory: String) throws(ProjectFileError) -> [String] {
        let prefix = ProjectPath.normalize(directory) + "/"
        var names = Set<String>()
        for path in files.keys where path.hasPrefix(prefix) {
            names.insert(String(path.dropFirst(prefix.count).split(separator: "/")[0]))
        }
        return Array(names)
    }
}
