import Glibc

/// Where renderers write. Unbuffered writes to the file descriptor, so lines interleave with a
/// child process's output in order.
public final class OutputStream: Sendable {
    public static let standardOutput = OutputStream(fileDescriptor: 1)
    public static let standardError = OutputStream(fileDescriptor: 2)

    let fileDescriptor: Int32
    public init(fileDescriptor: Int32) { self.fileDescriptor = fileDescriptor }

    public var isTerminal: Bool { isatty(fileDescriptor) == 1 }

    public func write(_ text: String) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
