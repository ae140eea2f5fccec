import Fleet
import Foundation
import PlanModel
import Testing

/// Targets files: read with the plan files' YAML layer, errors at file:line:column.
@Suite struct TargetListTests {
    private func load(_ text: String, environment: [String: String] = [:]) -> TargetListResult {
        TargetListLoader(environment: environment, fileSystem: InMemoryFileSystem(files: ["targets.yaml": text]))
            .load(file: "targets.yaml")
    }

    @Test func readsNamesURLsFromTheEnvironmentGroupsHostsAndSetValues() throws {
        // Made up per run: no password is written into the repository.
        let (euPassword, usPassword) = ("eu-" + UUID().uuidString.prefix(8), "us-" + UUID().uuidString.prefix(8))
        let euURL = "postgresql://app:\(euPassword)@eu.internal/eu1"
        let result = load(
            """
            targets:
              - name: eu-1
                url: ${{ env.EU_1_URL }}
                group: canary
                host: db-eu
                set: { lists: 50, mode: fast }
              - { name: us-1, url: "postgresql://app:\(usPassword)@us.internal:6432/us1" }
            """, environment: ["EU_1_URL": euURL])
        let targets = try #require(result.targets, "\(result.diagnostics)")
        #expect(targets.map(\.name) == ["eu-1", "us-1"])
        #expect(targets[0].url.revealed == euURL)
        #expect(targets[0].overrides == ["lists": "50", "mode": "fast"])
        let fleet = targets.map(FleetTarget.init)
        #expect(fleet.map(\.host) == ["db-eu", "us.internal:6432"])
        #expect(fleet.map(\.group) == ["canary", nil])
        #expect(result.secrets.contains(euURL))
    }

    @Test func reportsEveryProblemWithItsPosition() {
        let result = load(
            """
            targets:
              - name: a
                url: postgresql://h/a
              - name: a
                url: postgresql://h/b
              - name: b
                ulr: postgresql://h/c
              - name: c
                url: ${{ env.MISSING }}
            """)
        #expect(result.targets == nil)
        let shown = result.diagnostics.map(\.description)
        #expect(shown.contains { $0.hasPrefix("targets.yaml:4:5: error: target 'a' is listed twice (first on line 2)") }, "\(shown)")
        #expect(
            shown.contains { $0.hasPrefix("targets.yaml:7:5: error: unknown key 'ulr'") && $0.contains("did you mean 'url'") }, "\(shown)")
        #expect(shown.contains { $0 == "targets.yaml:6:5: error: a target needs 'url:'" }, "\(shown)")
        #expect(shown.contains { $0.hasPrefix("targets.yaml:9:") && $0.contains("MISSING") }, "\(shown)")
    }

    @Test func anEmptyListIsAnError() {
        let result = load("targets: []\n")
        #expect(result.targets == nil)
        #expect(
            result.diagnostics.map(\.description) == ["targets.yaml:1:10: error: 'targets' is empty; list at least one target (name, url)"])
    }
}
