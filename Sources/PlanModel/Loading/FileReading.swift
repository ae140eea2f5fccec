import Glibc

/// Where the loader gets file bytes from. Tests pass an in-memory or rooted file system; the CLI
/// uses the real one. Reading is the loader's only effect, so this is its only seam.
public protocol FileReading: Sendable {
    /// The bytes of `path`; refuses files larger than `limit` bytes without reading them.
    func read(_ path: String, limit: Int) throws(FileReadError) -> [UInt8]
}

public enum FileReadError: Error, Sendable, Equatable {
    case notFound
    case tooLarge(bytes: Int)
    case unreadable(reason: String)
    /// The path leads outside the project root (symlinks resolved): the real path.
    case outsideRoot(realPath: String)
}

/// The real file system; relative paths are relative to the process's working directory.
/// Plain POSIX calls: FileHandle would bring Foundation's full runtime (and ICU) into every
/// start of the binary.
public struct LocalFileSystem: FileReading {
    /// Files outside it (symlinks resolved) are refused; nil reads anywhere.
    public var root: ProjectRoot?

    public init(root: ProjectRoot? = ProjectRoot.processWide) { self.root = root }

    public func read(_ path: String, limit: Int) throws(FileReadError) -> [UInt8] {
        if let root, let real = root.escape(of: path) { throw .outsideRoot(realPath: real) }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.failure(errno: errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Self.failure(errno: errno) }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw .unreadable(reason: "it is a directory") }
        let reportedSize = Int(info.st_size)
        guard reportedSize <= limit else { throw .tooLarge(bytes: reportedSize) }
        // Read until end of file or one byte past the limit rather than trusting the size from
        // stat: pipes, /dev/zero and /proc files report 0.
        var bytes = [UInt8](repeating: 0, count: min(limit, reportedSize) + 1)
        var count = 0
        while true {
            if count == bytes.count {
                guard count <= limit else { throw .tooLarge(bytes: max(reportedSize, count)) }
                bytes.append(contentsOf: repeatElement(0, count: min(max(count, 4096), limit + 1 - count)))
            }
            let received = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
            }
            if received < 0 {
                if errno == EINTR { continue }
                throw Self.failure(errno: errno)
            }
            if received == 0 { break }
            count += received
            // A regular file read up to the size fstat gave is read: no extra read(2) to see its end.
            if info.st_mode & S_IFMT == S_IFREG, count < bytes.count, count == reportedSize { break }
        }
        guard count <= limit else { throw .tooLarge(bytes: max(reportedSize, count)) }
        bytes.removeSubrange(count...)
        return bytes
    }

    private static func failure(errno code: Int32) -> FileReadError {
        switch code {
        case ENOENT, ENOTDIR: .notFound
        case EACCES, EPERM: .unreadable(reason: "permission denied")
        default: .unreadable(reason: String(cString: strerror(code)))
        }
    }
}

/// A file system whose relative paths are taken relative to `root`: tests load fixtures with
/// short relative names, so diagnostics and resolved paths do not depend on where they run.
public struct RootedFileSystem: FileReading {
    public let root: String
    public init(root: String) { self.root = root }

    public func read(_ path: String, limit: Int) throws(FileReadError) -> [UInt8] {
        try LocalFileSystem().read(path.hasPrefix("/") ? path : root + "/" + path, limit: limit)
    }
}

/// Files held in memory, keyed by path: for unit tests of the loader.
public struct InMemoryFileSystem: FileReading {
    public var files: [String: [UInt8]]
    public init(files: [String: String]) { self.files = files.mapValues { Array($0.utf8) } }
    public init(bytes: [String: [UInt8]]) { files = bytes }

    public func read(_ path: String, limit: Int) throws(FileReadError) -> [UInt8] {
        guard let bytes = files[Paths.normalize(path)] else { throw .notFound }
        guard bytes.count <= limit else { throw .tooLarge(bytes: bytes.count) }
        return bytes
    }
}
