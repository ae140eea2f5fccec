internal import CLibYAML

/// The one owner of a libyaml parser and of the bytes it reads. libyaml keeps pointers to both
/// for its whole life, so both are allocated here, never move, and are freed together in deinit.
/// Noncopyable so that no second owner can free them twice.
struct LibYAMLParser: ~Copyable {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>

    /// A libyaml failure, copied out of the parser at once (its strings are static C literals).
    struct Failure: Error {
        var problem: String
        var context: String?
        /// 0-based, as libyaml reports them; nil for reader errors that carry only an offset.
        var problemLine: Int?
        var problemColumn: Int?
        var problemOffset: Int
        var contextLine: Int?
        var contextColumn: Int?
    }

    init(bytes: [UInt8]) {
        parser = .allocate(capacity: 1)
        input = .allocate(capacity: max(bytes.count, 1))
        _ = input.initialize(from: bytes)
        yaml_parser_initialize(parser)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    /// Hands the next event to `body` and deletes it afterwards: an event's strings live only
    /// as long as the event, so `body` must copy what it keeps.
    mutating func withNextEvent<T>(_ body: (borrowing yaml_event_t) throws(Failure) -> T) throws(Failure) -> T {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else { throw failure() }
        defer { yaml_event_delete(&event) }
        return try body(event)
    }

    private func failure() -> Failure {
        let p = parser.pointee
        let problem = p.problem.map { String(cString: $0) } ?? "unknown libyaml error"
        let context = p.context.map { String(cString: $0) }
        switch p.error {
        case YAML_READER_ERROR, YAML_MEMORY_ERROR:
            return Failure(
                problem: problem, context: context, problemLine: nil, problemColumn: nil,
                problemOffset: p.problem_offset, contextLine: nil, contextColumn: nil)
        default:
            return Failure(
                problem: problem, context: context, problemLine: Int(p.problem_mark.line),
                problemColumn: Int(p.problem_mark.column), problemOffset: Int(p.problem_mark.index),
                contextLine: context == nil ? nil : Int(p.context_mark.line),
                contextColumn: context == nil ? nil : Int(p.context_mark.column))
        }
    }
}
