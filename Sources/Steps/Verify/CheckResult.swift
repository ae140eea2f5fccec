/// What one verify check found. `observed` is the line a user reads after ✓ or ✗, e.g.
/// "extension vector 0.8.1 >= 0.5.0" or "index idx_x: INVALID".
enum CheckResult: Equatable {
    case passed(String)
    case failed(String)
}
