import Fleet
import Testing

@Suite struct RunLogTests {
    private func record(_ target: String, _ outcome: TargetOutcome, error: String? = nil) -> String {
        RunLog.record(
            TargetResult(
                target: target, group: nil, host: "h:5432", outcome: outcome, exitCode: outcome == .done ? 0 : 1, migrationsApplied: 2,
                seconds: 0.25, error: error), plan: "release.plan.yaml", at: "2026-12-03T09:00:00Z")
    }

    @Test func aRecordIsOneJSONLineWithEveryField() {
        #expect(
            record("t1", .failed, error: "relation \"notes\" already exists")
                == #"{"version":1,"target":"t1","outcome":"failed","exit_code":1,"migrations_applied":2,"seconds":0.25,"error":"relation \"notes\" already exists","group":null,"host":"h:5432","plan":"release.plan.yaml","finished_at":"2026-12-03T09:00:00Z"}"#
        )
    }

    @Test func resumeSkipsTargetsWhoseLastRecordIsDone() throws {
        let log =
            [record("t1", .done), record("t2", .failed), record("t3", .done), record("t3", .failed), record("t2", .done)]
            .joined(separator: "\n") + "\n"
        #expect(try RunLog.completedTargets(in: log) == ["t1", "t2"])
    }

    @Test func aLastLineCutShortIsIgnoredAnyOtherBadLineIsAnError() throws {
        let cut = record("t1", .done) + "\n" + String(record("t2", .done).prefix(30))
        #expect(try RunLog.completedTargets(in: cut) == ["t1"])
        #expect(throws: RunLog.MalformedLine(line: 1, text: "not json")) {
            try RunLog.completedTargets(in: "not json\n" + record("t1", .done) + "\n")
        }
    }
}
