/// What one verify check found. `observed` is the line a user reads after ✓ or ✗, e.g.
/// "extension vector 0.8.1 >= 0.5.0" or "index idx_x: INVALID".
enum CheckResult: Equatable {
    case passed(String)
    /// `mayBeFixedByEarlierSteps`: the check failed only because something is not there yet (a
    /// table, column, index or extension that does not exist, migrations that are only pending),
    /// which an earlier step of the same plan may create. A dry-run shows such a check as
    /// depending on earlier steps instead of failing it: it runs before those steps have acted.
    case failed(String, mayBeFixedByEarlierSteps: Bool = false)
}
