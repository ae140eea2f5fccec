/// A file the splitter or segmenter cannot turn into statements the server would read the same way.
///
/// The message says what is wrong and what to do; `line` and `column` are 1-based and point at the
/// construct that is at fault (the opening quote of an unterminated string, the stray `COMMIT`, …).
public struct SQLSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var file: String
    public var line: Int
    public var column: Int

    public init(message: String, file: String, line: Int, column: Int) {
        self.message = message
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column: error: message`, the form editors and CI annotations understand.
    public var description: String { "\(file):\(line):\(column): error: \(message)" }
}
