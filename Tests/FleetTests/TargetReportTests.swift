import Fleet
import Testing

/// A child's `--format json` lines, read as the fleet reads them.
@Suite struct TargetReportTests {
    @Test func countsAppliedMigrationsAndKeepsTheFirstError() {
        var report = TargetReport()
        for line in [
            #"{"event":"run_started","plan":"p","file":"p.yaml","dry_run":false,"target":{"host":"h","port":"5432","database":"d","user":"u","source":"X"}}"#,
            #"{"event":"migration_applied","step":1,"name":"1_init"}"#,
            #"{"event":"message","step":1,"level":"info","text":"applied 1_init (1 statement(s), one transaction)"}"#,
            #"{"event":"message","step":1,"level":"error","text":"migration 2_notes failed: relation \"notes\" already exists"}"#,
            #"{"event":"summary","plan":"p","dry_run":false,"done":0,"skipped":0,"failed":1,"would_run":0,"would_fail":0,"seconds":0.1,"exit_code":1}"#,
            "not an event",
        ] { report.read(event: line) }
        #expect(report.migrationsApplied == 1)
        #expect(report.exitCode == 1)
        #expect(report.firstError == #"migration 2_notes failed: relation "notes" already exists"#)
    }

    @Test func withoutEventsTheErrorIsFromStandardError() {
        var report = TargetReport()
        report.read(diagnostic: "release.plan.yaml:3:5: error: unknown step 'sqll'")
        report.read(diagnostic: "")
        #expect(report.firstError == "release.plan.yaml:3:5: error: unknown step 'sqll'")
    }

    @Test func readsTheMigrationStatusEvent() {
        var report = TargetReport()
        report.read(
            event:
                #"{"event":"migration_status","version":1,"folder":"m","has_table":true,"up_to_date":false,"applied":[{"name":"a","finished_at":"x"}],"pending":[{"name":"b"}],"failed":[],"drifted":[],"missing":[]}"#
        )
        #expect(report.status == TargetReport.MigrationCounts(hasTable: true, upToDate: false, applied: 1, pending: 1, failed: 0))
    }
}
