/// A typed value of a param or an expression. The type decides how it renders into SQL:
/// never by splicing raw text.
public enum Value: Sendable, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case duration(Duration)
    case size(ByteSize)
    case identifier(String)
    case list([Value])
}

/// A byte count written as `64MB`, `512kB`, `1GB` (PostgreSQL's units: 1 MB = 1024 kB).
public struct ByteSize: Sendable, Equatable, Hashable, Comparable {
    public var bytes: Int64
    public init(bytes: Int64) { self.bytes = bytes }
    public var kilobytes: Int64 { bytes / 1024 }
    public static func < (a: ByteSize, b: ByteSize) -> Bool { a.bytes < b.bytes }
}
