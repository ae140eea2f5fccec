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
        var i = offset - base
        let end = target - base
        var line = self.line
        var column = self.column
        while i < end {
            let c = bytes[i]
            if c == .newline {
                line += 1
                column = 1
            } else if c & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        self.line = line
        self.column = column
        offset = max(offset, target)
    }
}
