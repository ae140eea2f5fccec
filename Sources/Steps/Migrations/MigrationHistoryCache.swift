/// The history a migrate step read and left as it was, for a verify step run right after it:
/// its `migrations: up-to-date` check compares that with the folder instead of reading the
/// table again (two round trips and every row; on a 500-migration history ~1 ms of a ~18 ms
/// nothing-pending run). Only the very next step may use it — any step in between (an exec, a
/// sql step, a resolve, an index build's `record_as`) might have written the table — and only
/// when migrate wrote nothing: it read the rows holding the migration lock, which Prisma's and
/// plan's writers of the table take too.
///
/// A run's steps run one after another on one thread; the cache is not shared beyond that.
public final class MigrationHistoryCache {
    private var remembered: (step: Int, hasTable: Bool, rows: [HistoryRow])?

    public init() {}

    /// What step `step` read and did not change.
    func remember(hasTable: Bool, rows: [HistoryRow], readBy step: Int) {
        remembered = (step, hasTable, rows)
    }

    /// The history as the step just before `step` left it, if it left one.
    func unchanged(before step: Int) -> (exists: Bool, rows: [HistoryRow])? {
        guard let remembered, remembered.step == step - 1 else { return nil }
        return (remembered.hasTable, remembered.rows)
    }
}
