/// What an expression can read: the params of the plan being decoded (typed, with the values
/// they were bound to), the process environment the CLI passed in, and the plan's name.
struct ExpressionScope: Sendable {
    struct Param: Sendable {
        var type: ParamType
        /// nil for an optional param that was never set, or a required one that was not given
        /// (already reported where it is declared).
        var value: TypedValue?
        var required = false
    }

    var params: [String: Param]
    /// False while the params themselves are being bound: a param's value cannot read params.
    var paramsReadable = true
    var environment: [String: String]
    var planName: String
}
