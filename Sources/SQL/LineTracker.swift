/// Turns absolute byte offsets into 1-based line:column, moving forward only, so that every byte is
/// looked at once however many statements ask.
///
/// A line ends at `\n` (so `\r\n` is one break and `\r` alone is an ordinary character). Columns
/// count Unicode scalars: UTF-8 continuation bytes do not start a column.
struct LineTracker {
    private(set) var offset: Int
    private(set) var line = 1
    private(set) var column = 1

    init(startingAt offset: Int) {
        self.offset = offset
    }

    /// Moves to `target`, reading the bytes between; `bytes[0]` is at absolute offset `base`.
    mutating func advance(to target: Int, in bytes: UnsafeBufferPointer<UInt8>, base: Int) {
        guard target > offset, let address = bytes.baseAddress else { return }
        let raw = UnsafeRawPointer(address)
        var i = offset - base
        let end = target - base
        // Newlines are found eight bytes at a time; only the part of the last line before
        // `target` is walked byte by byte, to count its columns.
        var lineStart = -1
        while i < end {
            if i + 8 <= end {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
                if (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                    continue
                }
            }
            if bytes[i] == .newline {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        var from = offset - base
        if lineStart >= 0 {
            column = 1
            from = lineStart
        }
        var k = from
        while k < end {
            if bytes[k] & 0xC0 != 0x80 { column += 1 }
            k += 1
        }
        offset = target
    }
}
