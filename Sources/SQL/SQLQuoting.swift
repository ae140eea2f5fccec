/// How text becomes part of SQL: the one quoting function of the whole tool (plan-model
/// interpolation, the runner's own statements, generated migrations).
///
/// A literal is safe whatever the session's `standard_conforming_strings`: a value with a
/// backslash takes the `E'…'` form, whose backslashes mean the same under either setting, so a
/// `\'` in a value can never end the literal early when a database turns the setting off.
public enum SQLQuoting {
    /// `'text'` with quotes doubled, or `E'text'` with backslashes doubled too when it has one.
    public static func literal(_ text: String) -> String {
        if text.contains("\\") {
            return "E'" + text.replacing("\\", with: "\\\\").replacing("'", with: "''") + "'"
        }
        return "'" + text.replacing("'", with: "''") + "'"
    }

    /// `"name"` with embedded double quotes doubled.
    public static func identifier(_ name: String) -> String {
        "\"" + name.replacing("\"", with: "\"\"") + "\""
    }
}
