/// A file's text as UTF-8 bytes, with 1-based line and column for any offset. Columns count
/// Unicode scalars, as editors do, not bytes.
struct SourceText {
    let file: String
    let bytes: [UInt8]
    /// Byte offset where each line starts.
    private let lineStarts: [Int]

    init(file: String, text: String) {
        self.file = file
        self.bytes = Array(text.utf8)
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(offset + 1)
        }
        self.lineStarts = starts
    }

    func location(at offset: Int) -> PrismaLocation {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        let lineStart = lineStarts[low]
        let end = min(offset, bytes.count)
        // Count scalars: every byte that is not a UTF-8 continuation byte starts one.
        let column = bytes[lineStart..<end].reduce(1) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        return PrismaLocation(file: file, line: low + 1, column: column)
    }

    func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
}
