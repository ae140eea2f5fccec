import Foundation

/// Lines of a child's stdout and stderr, handed from the threads that read the pipes to the
/// step's own thread, which alone talks to the Reporter (it is not thread-safe).
final class OutputLines: @unchecked Sendable {
    enum Stream: Sendable { case stdout, stderr }
    struct Line: Sendable {
        var stream: Stream
        var text: String
    }

    private let condition = NSCondition()
    private var pending: [Line] = []
    private var openStreams = 2

    /// Reads `handle` to its end on a thread of its own, a line at a time.
    func read(_ handle: FileHandle, as stream: Stream) {
        let thread = Thread { [self] in
            var buffer = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    push(Line(stream: stream, text: Self.decode(buffer[buffer.startIndex..<newline])))
                    buffer.removeSubrange(buffer.startIndex...newline)
                }
            }
            if !buffer.isEmpty { push(Line(stream: stream, text: Self.decode(buffer))) }
            close()
        }
        thread.start()
    }

    /// The lines received so far, waiting up to `timeout` for one; and whether both streams ended.
    func take(waitingAtMost timeout: TimeInterval) -> (lines: [Line], finished: Bool) {
        condition.lock()
        defer { condition.unlock() }
        if pending.isEmpty, openStreams > 0 { _ = condition.wait(until: Date(timeIntervalSinceNow: timeout)) }
        let lines = pending
        pending.removeAll()
        return (lines, openStreams == 0)
    }

    private func push(_ line: Line) {
        condition.lock()
        pending.append(line)
        condition.signal()
        condition.unlock()
    }

    private func close() {
        condition.lock()
        openStreams -= 1
        condition.signal()
        condition.unlock()
    }

    /// Invalid UTF-8 becomes U+FFFD rather than losing the line; a CRLF's CR is dropped.
    private static func decode(_ bytes: Data) -> String {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasSuffix("\r") { text.removeLast() }
        return text
    }
}
