import PlanModel

/// `plan run` is what a deploy calls on every release, and argument-parser's reflection over its
/// options cost ~1.3 ms of a ~12 ms nothing-pending run (docs/BENCHMARKS.md). The shapes a deploy
/// writes — one plan file and the long options `run` takes, as `--name value` or `--name=value` —
/// are read here directly, without building any of argument-parser's types. Anything else (help,
/// a short or unknown option, `--`, a repeated option, an empty value or one that looks like an
/// option, a second file, an invalid value) returns nil and goes through argument-parser, so its
/// messages stay the only ones users see.
/// PlanCommandTests checks this against argument-parser on the same arguments.
extension RunInvocation {
    static func parsingCommonShape(_ arguments: ArraySlice<String>) -> RunInvocation? {
        var file: String?
        var environment: String?
        var assignments: [String] = []
        var dryRun = false
        var databaseURL: String?
        var lockTimeout: String?
        var format: OutputFormat?
        var summary: String?

        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            guard argument.hasPrefix("--") else {
                // A lone "-" or a short option is argument-parser's to interpret.
                guard !argument.hasPrefix("-"), file == nil else { return nil }
                file = argument
                continue
            }
            let name: Substring
            let value: String?
            if let equals = argument.firstIndex(of: "=") {
                name = argument[argument.index(argument.startIndex, offsetBy: 2)..<equals]
                value = String(argument[argument.index(after: equals)...])
            } else {
                name = argument.dropFirst(2)
                value = nil
            }
            if name == "dry-run" {
                guard value == nil, !dryRun else { return nil }
                dryRun = true
                continue
            }
            guard let given = value ?? remaining.popFirst(), !given.isEmpty, !given.hasPrefix("-") else { return nil }
            switch name {
            case "set": assignments.append(given)
            case "env" where environment == nil: environment = given
            case "database-url" where databaseURL == nil: databaseURL = given
            case "lock-timeout" where lockTimeout == nil: lockTimeout = given
            case "format" where format == nil:
                guard let chosen = OutputFormat(rawValue: given) else { return nil }
                format = chosen
            case "summary" where summary == nil: summary = given
            default: return nil
            }
        }
        guard let file else { return nil }
        // A malformed `--set` is argument-parser's path to report.
        guard let overrides = try? PlanBinding.overrides(assignments) else { return nil }
        guard let timeout = Units.duration(lockTimeout ?? ConnectionOptions.defaultLockTimeout) else { return nil }
        return RunInvocation(
            file: file, binding: PlanBinding(environment: environment, overrides: overrides), dryRun: dryRun,
            connection: ConnectionChoice(
                databaseURL: databaseURL, lockTimeout: timeout, format: format ?? ConnectionOptions.defaultFormat, summary: summary))
    }
}
