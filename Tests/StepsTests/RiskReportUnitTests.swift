import SQL
import Testing

@testable import Steps

@Suite("Risk report: severity by size, and the stated estimate")
struct RiskSeverityTests {
    @Test func severityScalesWithSize() {
        #expect(RiskReport.severity(bytes: 0, rows: 0) == .low)
        #expect(RiskReport.severity(bytes: 1 << 20, rows: 5_000) == .low)
        #expect(RiskReport.severity(bytes: 1 << 20, rows: 50_000) == .medium)
        #expect(RiskReport.severity(bytes: 20 << 20, rows: nil) == .medium)
        #expect(RiskReport.severity(bytes: 1 << 20, rows: 200_000) == .high)
        #expect(RiskReport.severity(bytes: 1 << 30, rows: nil) == .high)
    }

    @Test func estimatesAreRoughAndSaySo() {
        #expect(RiskReport.estimate(bytes: 50 << 20) == "under a second")
        #expect(RiskReport.estimate(bytes: 1 << 30) == "~10 s")
        #expect(RiskReport.estimate(bytes: 100 << 30) == "~17 min")
    }
}

@Suite("plan check's risk diagnostics")
struct RiskDiagnosticsTests {
    @Test func findingsLeadWithTheirCodeAndAcknowledgedOnesAreNotes() {
        let sql = """
            ALTER TABLE a ALTER COLUMN b TYPE bigint;
            ALTER TABLE a DROP COLUMN c; -- plan: ack ban-drop-column: unused since v41
            ALTER TABLE a RENAME COLUMN d TO e; -- plan: ack renaming-colum
            CREATE INDEX i ON a (b);
            """
        let diagnostics = RiskDiagnostics.of(Array(sql.utf8), file: "m.sql", acknowledged: [])
        let shown = diagnostics.map { "\($0.description) [\($0.code)]" }
        #expect(shown.count == 4)
        #expect(
            shown[0].hasPrefix("m.sql:1:1: warning: changes the type of a.b to bigint") && shown[0].hasSuffix(" [changing-column-type]"))
        #expect(shown[1].hasPrefix("m.sql:2:1: note: drops a.c") && shown[1].hasSuffix("(acknowledged) [ban-drop-column]"))
        #expect(
            shown[2]
                == "m.sql:3:1: warning: `-- plan: ack renaming-colum` names no rule; did you mean renaming-column? (rules: docs/RISK.md) [unknown-acknowledgement]"
        )
        #expect(shown[3].hasPrefix("m.sql:3:1: warning: renames a.d to e") && shown[3].hasSuffix(" [renaming-column]"))
        // The step's acknowledge: covers every statement.
        #expect(RiskDiagnostics.of(Array(sql.utf8), file: "m.sql", acknowledged: ["changing-column-type"])[0].severity == .note)
    }
}
