import Glibc
import PlanModel

/// Lines of a child's stdout and stderr, read from its pipes on the step's own thread, which
/// alone talks to the Reporter (it is not thread-safe): poll(2) waits on both pipes at once, so
/// no reader threads and no lock are needed. Owns the pipes' read ends and closes them.
public final class OutputLines {
    public enum Stream: Sendable { case stdout, stderr }
    public struct Line: Sendable {
        public var stream: Stream
        public var text: String
    }

    private struct Pipe {
        let stream: Stream
        let descriptor: Int32
        /// Bytes after the last newline, waiting for the rest of their line.
        var partial: [UInt8] = []
        var isOpen = true
    }

    private var pipes: [Pipe]

    init(stdout: Int32, stderr: Int32) {
        pipes = [Pipe(stream: .stdout, descriptor: stdout), Pipe(stream: .stderr, descriptor: stderr)]
    }

    deinit {
        for pipe in pipes { close(pipe.descriptor) }
    }

    /// The lines received, waiting up to `timeout` for output or for `wakeDescriptor` (the
    /// child's end) to become readable; and whether both streams ended. With both streams
    /// closed it still waits (for the child's end or the timeout): a program that closed its
    /// output and runs on must not make the caller spin.
    public func take(waitingAtMost timeout: Duration, wakeDescriptor: Int32 = -1) -> (lines: [Line], finished: Bool) {
        let open = pipes.indices.filter { pipes[$0].isOpen }
        var watched = open.map { pollfd(fd: pipes[$0].descriptor, events: Int16(POLLIN), revents: 0) }
        if wakeDescriptor >= 0 { watched.append(pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)) }
        let milliseconds = Int32(max(0, Units.microseconds(of: timeout) / 1000))
        var lines: [Line] = []
        if poll(&watched, nfds_t(watched.count), milliseconds) > 0 {
            for (position, index) in open.enumerated() where watched[position].revents != 0 {
                readAvailable(from: index, into: &lines)
            }
        }
        return (lines, pipes.allSatisfy { !$0.isOpen })
    }

    /// One read(2) of what the pipe holds; at its end (or on an error, which ends it just the
    /// same) the last line, if it had no newline, is handed on as it is.
    private func readAvailable(from index: Int, into lines: inout [Line]) {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = read(pipes[index].descriptor, &chunk, chunk.count)
        if count < 0, errno == EINTR || errno == EAGAIN { return }
        let stream = pipes[index].stream
        guard count > 0 else {
            pipes[index].isOpen = false
            if !pipes[index].partial.isEmpty { lines.append(Line(stream: stream, text: Self.decode(pipes[index].partial[...]))) }
            pipes[index].partial = []
            return
        }
        var bytes = pipes[index].partial + chunk[..<count]
        var lineStart = bytes.startIndex
        while let newline = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
            lines.append(Line(stream: stream, text: Self.decode(bytes[lineStart..<newline])))
            lineStart = newline + 1
        }
        bytes.removeSubrange(..<lineStart)
        pipes[index].partial = bytes
    }

    /// Invalid UTF-8 becomes U+FFFD rather than losing the line; a CRLF's CR is dropped.
    private static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        return text
    }
}
