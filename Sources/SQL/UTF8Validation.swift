/// Decodes `bytes` as UTF-8, or reports the offset (within `bytes`) of the first byte that is not
/// part of a valid sequence. Statement text must be valid UTF-8: it becomes a Swift `String` and is
/// sent to a server whose client encoding is UTF-8.
///
/// Validation is done here rather than with `String(validating:as:)`, whose generic entry point
/// costs a metadata lookup per call, measurable at hundreds of thousands of statements a second.
func decodeUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<String, InvalidUTF8> {
    if let offset = firstInvalidUTF8Offset(bytes) {
        return .failure(InvalidUTF8(offset: offset, byte: bytes[offset]))
    }
    return .success(String(decoding: bytes, as: UTF8.self))
}

struct InvalidUTF8: Error {
    var offset: Int
    var byte: UInt8
}

/// Where the first ill-formed sequence starts, or nil when all of `bytes` is well-formed UTF-8
/// (no overlong forms, no surrogates, nothing above U+10FFFF).
func firstInvalidUTF8Offset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    guard let base = bytes.baseAddress else { return nil }
    var i = 0
    let n = bytes.count
    let raw = UnsafeRawPointer(base)
    while i < n {
        // ASCII runs, eight bytes at a time.
        while i + 8 <= n && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            i += 8
        }
        guard i < n else { break }
        let lead = bytes[i]
        let length: Int
        var lowest: UInt8 = 0x80
        var highest: UInt8 = 0xBF  // allowed range of the second byte
        switch lead {
        case 0x00...0x7F:
            i += 1
            continue
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            lowest = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            highest = 0x9F
        case 0xF0:
            length = 4
            lowest = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            highest = 0x8F
        default: return i
        }
        guard i + length <= n else { return i }
        guard bytes[i + 1] >= lowest && bytes[i + 1] <= highest else { return i }
        var k = 2
        while k < length {
            guard bytes[i + k] & 0xC0 == 0x80 else { return i }
            k += 1
        }
        i += length
    }
    return nil
}
