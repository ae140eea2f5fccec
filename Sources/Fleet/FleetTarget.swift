public import PlanModel
import Runner

/// One database of a fleet, ready to schedule: its name, its URL (a secret), its wave and the
/// server it shares with others.
public struct FleetTarget: Sendable, Equatable {
    public var name: String
    public var url: Secret
    /// The wave it belongs to (nil: the wave of targets without a group).
    public var group: String?
    /// What `--per-host` counts by: the target's `host` label, else its URL's host:port.
    public var host: String
    /// `set:` values for this target only; they win over the command line's `--set`.
    public var overrides: [String: String]

    public init(name: String, url: Secret, group: String? = nil, host: String? = nil, overrides: [String: String] = [:]) {
        self.name = name
        self.url = url
        self.group = group
        self.host = host.flatMap { $0.isEmpty ? nil : $0 } ?? Self.hostKey(of: url.revealed)
        self.overrides = overrides
    }

    public init(_ spec: TargetSpec) {
        self.init(name: spec.name, url: spec.url, group: spec.group, host: spec.host, overrides: spec.overrides)
    }

    /// `host:port` as the URL gives them (libpq's defaults where it does not: the local socket,
    /// 5432), read by the same parser the redactor uses — never the password.
    static func hostKey(of url: String) -> String {
        let fields = ConnectionString(url).fields
        let host = fields["host"].flatMap { $0.isEmpty ? nil : $0 } ?? fields["hostaddr"] ?? "local socket"
        let port = fields["port"].flatMap { $0.isEmpty ? nil : $0 } ?? "5432"
        return "\(host):\(port)"
    }
}
