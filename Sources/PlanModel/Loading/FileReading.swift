import Foundation

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
}

/// The real file system; relative paths are relative to the process's working directory.
public struct LocalFileSystem: FileReading {
    public init() {}

    public func read(_ path: String, limit: Int) throws(FileReadError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .notFound }
        guard !isDirectory.boolValue else { throw .unreadable(reason: "it is a directory") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .unreadable(reason: "permission denied") }
        defer { try? handle.close() }
        // Read one byte past the limit instead of trusting the size from stat: pipes and
        // /proc files report 0.
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw .unreadable(reason: "\(error.localizedDescription)")
        }
        if data.count > limit {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? data.count
            throw .tooLarge(bytes: size)
        }
        return [UInt8](data)
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
