import Glibc

/// What discovery needs from a file system. Tests pass an in-memory one; `LocalProjectFileSystem`
/// is the real one. Paths are used as given (relative ones against the process's directory).
public protocol ProjectFileSystem: Sendable {
    /// What is at `path` (following symlinks), or nil when nothing is.
    func kind(of path: String) -> ProjectFileKind?
    /// The file's text; invalid UTF-8 is replaced, as Node's `readFile(path, 'utf-8')` does.
    func contents(of path: String) throws(ProjectFileError) -> String
    /// The names in a folder, without `.` and `..`, in any order.
    func entries(of directory: String) throws(ProjectFileError) -> [String]
}

public enum ProjectFileKind: Sendable, Equatable {
    case file
    case directory
    case other
}

public struct ProjectFileError: Error, Sendable, Equatable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
}

/// The real file system, through POSIX calls (no Foundation at start-up, as PlanModel's reader).
public struct LocalProjectFileSystem: ProjectFileSystem {
    /// Config and schema files are small; this keeps a wrong `--schema` (a dump, a device) cheap.
    public static let sizeLimit = 16 << 20

    public init() {}

    public func kind(of path: String) -> ProjectFileKind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    public func contents(of path: String) throws(ProjectFileError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.failure() }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Self.failure()
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
            guard bytes.count <= Self.sizeLimit else { throw ProjectFileError(reason: "larger than 16 MB") }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func entries(of directory: String) throws(ProjectFileError) -> [String] {
        guard let handle = opendir(directory) else { throw Self.failure() }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    private static func failure() -> ProjectFileError {
        ProjectFileError(reason: String(cString: strerror(errno)))
    }
}
