/// The catalogue of every message the loader can print. Each says what is wrong and, where
/// there is one, what to do next. Kept in one place so wording stays consistent and golden
/// tests pin it.
struct DiagnosticMessage: Sendable, Equatable {
    /// A stable name for the kind of problem (`unknown-key`, `missing-param`, …): JSON and
    /// annotations carry it, so CI can match on it while the wording improves.
    var code: String
    var text: String
    var severity: Diagnostic.Severity = .error
}

// MARK: - Files and YAML

extension DiagnosticMessage {
    static func fileNotFound(_ path: String) -> Self {
        Self(code: "file-not-found", text: "cannot read '\(path)': no such file")
    }
    static func fileUnreadable(_ path: String, reason: String) -> Self {
        Self(code: "file-unreadable", text: "cannot read '\(path)': \(reason)")
    }
    static func outsideProjectRoot(_ path: String, realPath: String?, root: String) -> Self {
        let leads = realPath.map { " (a symlink to '\($0)')" } ?? ""
        return Self(
            code: "outside-project-root",
            text:
                "'\(path)'\(leads) is outside the project root \(root); plans read files only inside it: move the file in, name another root with --root DIR, or allow it with --allow-outside-root"
        )
    }
    static func fileTooLarge(_ path: String, bytes: Int, limit: Int) -> Self {
        Self(
            code: "file-too-large",
            text:
                "'\(path)' is \(megabytes(bytes)), larger than the \(megabytes(limit)) limit for plan files; split it into plans joined with 'uses:'"
        )
    }
    static let emptyFile = Self(code: "empty-file", text: "the file is empty; a plan starts with 'plan: 1'")
    static func invalidUTF8(byte: UInt8, offset: Int) -> Self {
        let hex = String(byte, radix: 16, uppercase: true)
        return Self(
            code: "invalid-utf8",
            text: "the file is not valid UTF-8 (byte 0x\(hex.count == 1 ? "0" + hex : hex) at offset \(offset)); save it as UTF-8")
    }
    static let tabIndentation = Self(code: "tab-indentation", text: "a tab is used for indentation; YAML allows only spaces there")
    static func yamlSyntax(_ libyamlMessage: String, expressionInFlowCollection: Bool) -> Self {
        var text = "invalid YAML: \(libyamlMessage)"
        if expressionInFlowCollection {
            text += "; an unquoted '${{ … }}' inside '{ }' or '[ ]' is not valid YAML: write the expression in block style or quote it"
        }
        return Self(code: "yaml-syntax", text: text)
    }
    static let multipleDocuments = Self(
        code: "multiple-documents", text: "a plan file holds one YAML document; remove the second '---' or split the file")
    static func undefinedAlias(_ name: String) -> Self {
        Self(code: "undefined-alias", text: "alias '*\(name)' refers to no anchor defined before it; define '&\(name)' first")
    }
    static func duplicateKey(_ key: String, firstLine: Int) -> Self {
        Self(code: "duplicate-key", text: "duplicate key '\(key)' (first written on line \(firstLine)); remove one of them")
    }
    static let firstWrittenHere = Self(code: "first-written-here", text: "first written here", severity: .note)
    static let mergeNeedsMapping = Self(code: "merge-needs-mapping", text: "a merge key '<<' takes a mapping or a list of mappings")
    static func tooManyNodes(_ limit: Int) -> Self {
        Self(code: "too-many-nodes", text: "the document expands to more than \(limit) nodes through aliases; refusing to expand it")
    }
    static func nestedTooDeeply(_ limit: Int) -> Self {
        Self(code: "nested-too-deeply", text: "the document nests deeper than \(limit) levels")
    }

    private static func megabytes(_ bytes: Int) -> String {
        bytes % (1024 * 1024) == 0 ? "\(bytes / (1024 * 1024)) MB" : "\(bytes) bytes"
    }
}

// MARK: - Shape and types

extension DiagnosticMessage {
    static func unknownKey(_ key: String, in context: String, suggestion: String?, allowed: [String]) -> Self {
        var text = "unknown key '\(key)' in \(context)"
        if let suggestion {
            text += "; did you mean '\(suggestion)'?"
        } else {
            text += "; expected one of: \(allowed.joined(separator: ", "))"
        }
        return Self(code: "unknown-key", text: text)
    }
    static func missingKey(_ key: String, in context: String) -> Self {
        Self(code: "missing-key", text: "\(context) needs '\(key):'")
    }
    static func wrongNode(_ what: String, expected: String, found: String) -> Self {
        Self(code: "wrong-node", text: "\(what) must be \(expected), not \(found)")
    }
    static func wrongValue(_ what: String, expected: String, found: String, hint: String? = nil) -> Self {
        Self(code: "wrong-value", text: "\(what) must be \(expected), not '\(found)'" + (hint.map { "; \($0)" } ?? ""))
    }
    static func notOneOf(_ what: String, value: String, allowed: [String], suggestion: String?) -> Self {
        var text = "\(what) must be one of \(allowed.map { "'\($0)'" }.joined(separator: ", ")), not '\(value)'"
        if let suggestion { text += "; did you mean '\(suggestion)'?" }
        return Self(code: "not-one-of", text: text)
    }
    static func badDuration(_ what: String, _ text: String) -> Self {
        Self(
            code: "bad-duration", text: "\(what): '\(text)' is not a duration; write a number with a unit: 500ms, 5s, 2min (or 2m), 1h, 1d")
    }
    static func badSize(_ what: String, _ text: String) -> Self {
        Self(
            code: "bad-size",
            text: "\(what): '\(text)' is not a size; write a number with a PostgreSQL unit: 512kB, 64MB, 1GB (1 MB = 1024 kB)")
    }
    static func badIdentifier(_ what: String, _ text: String, reason: String) -> Self {
        Self(code: "bad-identifier", text: "\(what): '\(text)' is not a usable identifier: \(reason)")
    }
    static func outOfRange(_ what: String, value: String, bound: String, isMinimum: Bool) -> Self {
        Self(code: "out-of-range", text: "\(what) is \(value), \(isMinimum ? "below the minimum" : "above the maximum") \(bound)")
    }
    static func notAllowed(_ what: String, value: String, allowed: [String]) -> Self {
        Self(code: "not-allowed", text: "\(what) is '\(value)', which is not one of the allowed values: \(allowed.joined(separator: ", "))")
    }
    static func exclusiveKeys(_ keys: [String], in context: String) -> Self {
        Self(code: "exclusive-keys", text: "\(context) takes exactly one of \(keys.map { "'\($0)'" }.joined(separator: ", "))")
    }
    static func keyNeedsOther(_ key: String, needs: String) -> Self {
        Self(code: "key-needs-other", text: "'\(key)' needs \(needs)")
    }
    static func keysMustBeText(_ context: String) -> Self {
        Self(code: "keys-must-be-text", text: "keys of \(context) must be plain text")
    }
}

// MARK: - Plans, params, steps

extension DiagnosticMessage {
    static let missingVersion = Self(
        code: "missing-version", text: "a plan starts with 'plan: 1' (the format version); add it as the first line")
    static func unsupportedVersion(_ text: String) -> Self {
        Self(code: "unsupported-version", text: "plan format version \(text) is not supported; this tool reads 'plan: 1'")
    }
    static let missingSteps = Self(code: "missing-steps", text: "the plan has no 'steps:'; add a list of steps")
    static func badParamName(_ name: String) -> Self {
        Self(
            code: "bad-param-name",
            text: "param name '\(name)' must be a letter or '_' followed by letters, digits or '_' (so that 'params.\(name)' can name it)")
    }
    static func unknownParamType(_ type: String, suggestion: String?) -> Self {
        notOneOf("param type", value: type, allowed: ParamType.allCases.map(\.rawValue), suggestion: suggestion)
    }
    static func boundsNeedOrderedType(_ key: String, type: ParamType) -> Self {
        Self(code: "bounds-need-ordered-type", text: "'\(key)' applies to int, size and duration params, not to \(type.rawValue)")
    }
    static let requiredWithDefault = Self(
        code: "required-with-default", text: "a param with 'required: true' takes no 'default'; remove one of them")
    static func missingRequiredParam(_ name: String) -> Self {
        Self(code: "missing-param", text: "param '\(name)' is required and has no value; pass --set \(name)=VALUE or give it a default")
    }
    static func missingWithParam(_ name: String, file: String) -> Self {
        Self(code: "missing-param", text: "'\(file)' needs param '\(name)'; add it under 'with:'")
    }
    static func unknownOverride(_ name: String, suggestion: String?) -> Self {
        Self(
            code: "unknown-param",
            text: "--set \(name): the plan has no param '\(name)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""))
    }
    static func badOverride(_ name: String, problem: String) -> Self {
        Self(code: "bad-override", text: "--set \(name): \(problem)")
    }
    static func unknownEnvironment(_ name: String, known: [String], suggestion: String?) -> Self {
        var text = "--env \(name): the plan has no environment '\(name)'"
        if let suggestion {
            text += "; did you mean '\(suggestion)'?"
        } else if known.isEmpty {
            text += "; it defines no 'environments:'"
        } else {
            text += "; it defines \(known.joined(separator: ", "))"
        }
        return Self(code: "unknown-environment", text: text)
    }
    static func unknownWithParam(_ name: String, file: String, suggestion: String?) -> Self {
        Self(code: "unknown-param", text: "'\(file)' has no param '\(name)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""))
    }
    static func unknownStep(_ key: String, suggestion: String?) -> Self {
        var text = "unknown step '\(key)'"
        if let suggestion {
            text += "; did you mean '\(suggestion)'?"
        } else {
            text += "; a step is one of: \(StepKeys.actions.joined(separator: ", "))"
        }
        return Self(code: "unknown-step", text: text)
    }
    static let stepWithoutAction = Self(
        code: "step-without-action", text: "the step has no action; add one of: \(StepKeys.actions.joined(separator: ", "))")
    static func twoActions(_ first: String, _ second: String) -> Self {
        Self(code: "two-actions", text: "a step has one action, but this one has '\(first)' and '\(second)'; split it into two steps")
    }
    static func keyNotForUses(_ key: String) -> Self {
        Self(code: "key-not-for-uses", text: "'\(key)' does not apply to 'uses:'; set it on the steps of the included plan")
    }
    static let withNeedsUses = Self(
        code: "with-needs-uses",
        text: "'with:' belongs to a 'uses:' step; for index storage parameters, put 'with:' inside 'index-concurrently:'")
    static func includeCycle(_ chain: [String]) -> Self {
        Self(code: "include-cycle", text: "include cycle: \(chain.joined(separator: " → "))")
    }
    static func includeTooDeep(_ limit: Int) -> Self {
        Self(code: "include-too-deep", text: "'uses:' nests more than \(limit) plans deep")
    }
    static let includedFromHere = Self(code: "included-from-here", text: "included from here", severity: .note)
    static let includedSettingsIgnored = Self(
        code: "included-settings-ignored",
        text: "'settings:' of an included plan are ignored; the including plan's settings apply", severity: .warning)
    static let includedEnvironmentsIgnored = Self(
        code: "included-environments-ignored",
        text: "'environments:' of an included plan are ignored; pass values with 'with:'", severity: .warning)
    static func duplicateStepID(_ id: String, firstUsed: String) -> Self {
        Self(
            code: "duplicate-step-id",
            text:
                "step id '\(id)' is already used \(firstUsed); step ids must be unique (a 'uses:' step's id prefixes the ids of the plan it includes)"
        )
    }
    static func unknownStepID(_ id: String, suggestion: String?) -> Self {
        Self(code: "unknown-step-id", text: "no step has id '\(id)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""))
    }
    static let shellCommandNeedsShell = Self(
        code: "shell-command-needs-shell",
        text: "'command:' runs through /bin/sh; add 'shell: true', or write the program and its arguments as 'run: [program, arg, …]'")
    static let runNeedsList = Self(
        code: "run-needs-list",
        text:
            "'run:' takes the program and its arguments as a list, e.g. run: [npx, prisma, generate]; for a shell command line write 'command:' with 'shell: true'"
    )
    static let emptyList = Self(code: "empty-list", text: "the list is empty")
    static let queryNeedsExpect = Self(
        code: "query-needs-expect", text: "a 'query:' check needs 'expect:' (a value, '{ rows: N }' or 'empty')")
    static func badVersionConstraint(_ text: String) -> Self {
        Self(code: "bad-version-constraint", text: "'\(text)' is not a version constraint; write e.g. '>= 0.5.0'")
    }
    static func badMigrationName(_ name: String) -> Self {
        Self(code: "bad-migration-name", text: "migration name '\(name)' may contain only letters, digits, '_' and '-'")
    }
    static let migrationsUpToDateOnly = Self(code: "migrations-up-to-date-only", text: "the 'migrations' check takes 'up-to-date'")
    static let invalidIndexesNoneOnly = Self(
        code: "invalid-indexes-none-only", text: "the 'invalid-indexes' check takes 'none' or '{ schema: NAME }'")
    static let replaceTwice = Self(
        code: "replace-twice",
        text:
            "'on_conflict: replace' drops the old index before building, and 'replace:' builds beside it and swaps: give one of them (remove 'on_conflict: replace' to keep an index serving throughout)"
    )
    static func recallNeedsVectorIndex(_ method: String) -> Self {
        Self(
            code: "recall-needs-vector-index",
            text: "'when: recall' measures a pgvector index (ivfflat or hnsw), and this one uses \(method): use 'when: always'")
    }
    static func searchSettingForOtherMethod(_ key: String, method: String) -> Self {
        Self(
            code: "search-setting-for-other-method",
            text:
                "'\(key)' is \(key == "probes" ? "ivfflat.probes, for ivfflat" : "hnsw.ef_search, for hnsw") indexes, and this one uses \(method)"
                + (key == "probes" ? ": use 'ef_search'" : ": use 'probes'"))
    }
    static func littleDataIsIVFFlat(_ method: String) -> Self {
        Self(
            code: "little-data-is-ivfflat",
            text: "'allow_little_data' is about ivfflat, whose lists are trained on the rows present; this index uses \(method)")
    }
}

// MARK: - Expressions

extension DiagnosticMessage {
    static func expressionSyntax(_ problem: String) -> Self {
        Self(code: "expression-syntax", text: "invalid expression: \(problem)")
    }
    static func unknownParam(_ name: String, suggestion: String?) -> Self {
        Self(
            code: "unknown-param",
            text: "unknown param 'params.\(name)'" + (suggestion.map { "; did you mean 'params.\($0)'?" } ?? "; declare it under 'params:'")
        )
    }
    static func unknownNamespace(_ name: String, suggestion: String?) -> Self {
        Self(
            code: "unknown-namespace",
            text: "unknown name '\(name)'; expressions read params.NAME, env.NAME and plan.name"
                + (suggestion.map { "; did you mean '\($0)'?" } ?? ""))
    }
    static func deprecatedKey(_ key: String, replacement: String) -> Self {
        Self(code: "deprecated-key", text: "'\(key)' is deprecated; write '\(replacement)'", severity: .warning)
    }
    static func environmentVariableNotSet(_ name: String) -> Self {
        Self(
            code: "environment-variable-not-set",
            text: "environment variable \(name) is not set; set it, or give a default: ${{ env.\(name) || 'value' }}")
    }
    static func paramHasNoValue(_ name: String, required: Bool) -> Self {
        Self(
            code: "param-without-value",
            text: required
                ? "param '\(name)' has no value here (it is required and was not given)"
                : "param '\(name)' has no value here (it is optional and not set)")
    }
    static let paramsInParamValue = Self(
        code: "params-in-param-value", text: "a param's value cannot refer to other params; use env.NAME or a literal")
    static func operandType(_ op: String, _ type: String, expected: String) -> Self {
        Self(code: "operand-type", text: "'\(op)' needs \(expected), not \(type)")
    }
    static func comparisonTypes(_ op: String, _ left: String, _ right: String) -> Self {
        Self(code: "comparison-types", text: "cannot compare \(left) with \(right) using '\(op)'")
    }
    static func conditionNotBool(_ type: String) -> Self {
        Self(code: "condition-not-bool", text: "'if:' must be a bool expression, not \(type)")
    }
    static func listInText(_ context: String) -> Self {
        Self(code: "list-in-text", text: "a list cannot be interpolated into \(context); use it as the whole value")
    }
    static func unsafeShellInterpolation(where problem: String) -> Self {
        Self(
            code: "unsafe-shell-interpolation",
            text:
                "a value goes into a shell command only as one single-quoted word, which is not literal text here (\(problem)); write '${{ … }}' outside any quotes (echo \"v=\"${{ params.v }}), or pass the value through 'env:' and write \"$NAME\" in the command, or use 'run: [program, arg, …]', which needs no shell"
        )
    }
    static func rawSplicing(_ type: String) -> Self {
        Self(code: "raw-splicing", text: "a \(type) value would need raw splicing into SQL, which plan never does; use a scalar param")
    }
    static func expressionType(_ what: String, expected: String, found: String) -> Self {
        Self(code: "expression-type", text: "\(what) must be \(expected), but the expression is \(found)")
    }
    static func valueTypeMismatch(_ what: String, expected: String, found: String) -> Self {
        Self(code: "value-type-mismatch", text: "\(what) must be \(expected), not \(found)")
    }

    // MARK: Targets files (plan run --targets)

    static func duplicateTarget(_ name: String, firstLine: Int) -> Self {
        Self(code: "duplicate-target", text: "target '\(name)' is listed twice (first on line \(firstLine)); target names must be unique")
    }
    static let noTargets = Self(code: "no-targets", text: "'targets' is empty; list at least one target (name, url)")
    static func badTargetName(_ name: String, reason: String) -> Self {
        Self(code: "bad-target-name", text: "target name '\(name)' cannot be used: \(reason)")
    }
    static func emptyTargetURL(_ name: String) -> Self {
        Self(code: "empty-target-url", text: "target '\(name)' has an empty 'url'; is the environment variable it reads set?")
    }
}
