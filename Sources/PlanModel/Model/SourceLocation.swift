/// A position in a plan or SQL file: 1-based line and column, as editors and compilers print them.
/// Line 0 means the file as a whole (it could not be read, or a command-line value is at fault).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { line > 0 ? "\(file):\(line):\(column)" : file }
}
