import PlanModel
public import Runner

/// `--targets-query SQL`: the rows of a query on a control database as targets. Columns by
/// name: `name` and `url` required, `group` and `host` optional (NULL or absent: none).
public enum TargetQuery {
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    public static func targets(from result: QueryResult) throws(Problem) -> [FleetTarget] {
        for column in ["name", "url"] where !result.columns.contains(column) {
            throw Problem(
                description: "the query returns no '\(column)' column (it returns \(result.columns.joined(separator: ", "))); "
                    + "return name, url and optionally group and host")
        }
        var targets: [FleetTarget] = []
        var seen: Set<String> = []
        for row in result.rows.indices {
            guard let name = result.value(row, "name"), !name.isEmpty else {
                throw Problem(description: "row \(row + 1) of the query has no name")
            }
            guard let url = result.value(row, "url"), !url.isEmpty else {
                throw Problem(description: "target '\(name)' (row \(row + 1) of the query) has no url")
            }
            guard seen.insert(name).inserted else {
                throw Problem(description: "target '\(name)' is returned twice; target names must be unique")
            }
            let group = result.columns.contains("group") ? result.value(row, "group") : nil
            let host = result.columns.contains("host") ? result.value(row, "host") : nil
            targets.append(FleetTarget(name: name, url: Secret(url), group: group, host: host))
        }
        if targets.isEmpty { throw Problem(description: "the query returned no targets") }
        return targets
    }
}
