import Glibc

/// The size of the server's `/dev/shm`, where a parallel build's dynamic shared memory lives
/// (`dynamic_shared_memory_type = posix`). SQL cannot tell it, so it is read only when the
/// session's backend is a process on this machine that plan may inspect: `/proc/PID/cmdline`
/// must be that backend's process title ("postgres: user db host(port) …") naming this
/// connection's client port (or `[local]` over a Unix socket), and the file system is read
/// through `/proc/PID/root`, so a server in a container reports its own `/dev/shm`, not the
/// host's. A remote server, another PID namespace or a process of another user: unknown,
/// never guessed.
struct SharedMemoryFileSystem: Equatable {
    var totalBytes: Int64
    var availableBytes: Int64

    static func ofServer(backendPID: Int, clientPort: Int?) -> SharedMemoryFileSystem? {
        guard backendPID > 0, let title = readProcessTitle(pid: backendPID),
            isBackendTitle(title, clientPort: clientPort)
        else { return nil }
        var stats = statvfs()
        guard statvfs("/proc/\(backendPID)/root/dev/shm", &stats) == 0 else { return nil }
        let unit = Int64(stats.f_frsize)
        return SharedMemoryFileSystem(totalBytes: Int64(stats.f_blocks) * unit, availableBytes: Int64(stats.f_bavail) * unit)
    }

    /// A backend's process title for this connection: `postgres: ` (after an optional
    /// `cluster_name: `) with `host(port)` naming the client's port, or `[local]`.
    static func isBackendTitle(_ title: String, clientPort: Int?) -> Bool {
        guard title.hasPrefix("postgres: ") else { return false }
        let client = clientPort.map { "(\($0)) " } ?? "[local] "
        return title.contains(client)
    }

    private static func readProcessTitle(pid: Int) -> String? {
        let descriptor = open("/proc/\(pid)/cmdline", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 65_536 {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        // argv is NUL-separated; a process title is padded with NULs or spaces.
        return String(decoding: bytes.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
    }
}
