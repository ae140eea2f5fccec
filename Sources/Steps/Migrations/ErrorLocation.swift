import Runner
import SQL

/// Maps a server error back to the file: the failing statement's start, moved to the exact
/// character when the server reports a position within the script it was sent.
enum ErrorLocation {
    /// `scriptOffset` is where the statement starts in the script sent, in characters.
    static func locate(_ error: PostgresError, in statement: SQLStatement, scriptOffset: Int) -> String {
        guard let position = error.position, position - scriptOffset >= 1 else {
            return "\(statement.file):\(statement.line):\(statement.column)"
        }
        let place = statement.sourcePosition(ofServerPosition: position - scriptOffset)
        return "\(statement.file):\(place.line):\(place.column)"
    }
}
