internal import CLibPQ

/// One row of a result in PostgreSQL's binary format, read column by column with the type the
/// query selected. Only valid inside the `queryBinary` closure it is passed to: the result it
/// reads from is freed after.
public struct BinaryRow {
    private let result: OpaquePointer
    private let row: Int32

    init(result: OpaquePointer, row: Int32) {
        self.result = result
        self.row = row
    }

    public func isNull(_ column: Int) -> Bool { PQgetisnull(result, row, Int32(column)) == 1 }

    /// text, varchar: the bytes as they are stored (UTF-8 for a UTF-8 client encoding).
    public func text(_ column: Int) -> String? {
        guard let bytes = bytes(column) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// boolean.
    public func bool(_ column: Int) throws(PostgresError) -> Bool? {
        guard let bytes = try bytes(column, length: 1) else { return nil }
        return bytes[0] != 0
    }

    /// integer (int4).
    public func int32(_ column: Int) throws(PostgresError) -> Int32? {
        guard let bytes = try bytes(column, length: 4) else { return nil }
        return Int32(bitPattern: bigEndian(bytes))
    }

    /// timestamp, timestamptz: microseconds since 2000-01-01 00:00:00 UTC; ±infinity are
    /// Int64.max and Int64.min.
    public func timestampMicroseconds(_ column: Int) throws(PostgresError) -> Int64? {
        guard let bytes = try bytes(column, length: 8) else { return nil }
        return Int64(bitPattern: bigEndian(bytes))
    }

    private func bytes(_ column: Int) -> UnsafeBufferPointer<UInt8>? {
        guard !isNull(column), let value = PQgetvalue(result, row, Int32(column)) else { return nil }
        let length = Int(PQgetlength(result, row, Int32(column)))
        return UnsafeBufferPointer(start: UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self), count: length)
    }

    private func bytes(_ column: Int, length: Int) throws(PostgresError) -> UnsafeBufferPointer<UInt8>? {
        guard let bytes = bytes(column) else { return nil }
        guard bytes.count == length else {
            throw PostgresError(
                kind: .server,
                message:
                    "column \(column + 1) of the answer holds \(bytes.count) bytes where \(length) were expected: the query selected another type"
            )
        }
        return bytes
    }

    private func bigEndian<Integer: FixedWidthInteger & UnsignedInteger>(_ bytes: UnsafeBufferPointer<UInt8>) -> Integer {
        bytes.reduce(Integer.zero) { ($0 << 8) | Integer($1) }
    }
}
