/// `exec`: run a program. An argv list, never a shell unless `shell: true`.
public struct ExecStep: Sendable, Equatable {
    public enum Command: Sendable, Equatable {
        case argv([String])
        /// A command line for `/bin/sh -c`, only with `shell: true`.
        case shell(String)
    }
    public var command: Command
    public var environment: [String: String]
    /// The working directory; relative paths are resolved against the plan file.
    public var workingDirectory: String?
    public init(command: Command, environment: [String: String] = [:], workingDirectory: String? = nil) {
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
    }
}

// MARK: - Decoding

extension FileContext {
    func execStep(_ node: YAMLNode) -> ExecStep? {
        guard let mapping = MappingReader(node, "'exec'", known: ["run", "command", "shell", "env", "cwd"], context: self) else {
            return nil
        }
        var valid = true
        var shell = false
        if let node = mapping["shell"] {
            if let flag = bool(node, "'shell'") { shell = flag } else { valid = false }
        }
        var command: ExecStep.Command?
        switch (mapping["run"], mapping["command"]) {
        case (let run?, nil):
            if run.scalar != nil, !run.isNull, case .value(let typed)? = resolve(run, what: "'run'"), case .list = typed.value {
                command = list(run, "'run'", item: string).map(ExecStep.Command.argv)
            } else if run.scalar != nil {
                report(.runNeedsList, at: run.location)
            } else if let argv = list(run, "'run'", item: string) {
                if argv.isEmpty { report(.emptyList, at: run.location) } else { command = .argv(argv) }
            }
        case (nil, let line?):
            if !shell {
                report(.shellCommandNeedsShell, at: line.location)
            } else if let text = shellCommand(line, "'command'") {
                command = .shell(text)
            }
        default:
            report(.exclusiveKeys(["run", "command"], in: "'exec'"), at: mapping.keyLocation("command") ?? node.location)
        }
        var environment: [String: String] = [:]
        if let envNode = mapping["env"], let env = MappingReader(envNode, "'env'", known: [], context: self) {
            for pair in env.pairs {
                guard let key = pair.key.scalar?.value else { continue }
                if let value = string(pair.value, "'env.\(key)'") { environment[key] = value } else { valid = false }
            }
        }
        var workingDirectory: String?
        if let cwd = mapping["cwd"] {
            workingDirectory = path(cwd, "'cwd'", confined: false)
            if workingDirectory == nil { valid = false }
        }
        guard valid, let command else { return nil }
        return ExecStep(command: command, environment: environment, workingDirectory: workingDirectory)
    }
}

// MARK: - Rendering (plan show)

extension PlanRenderer {
    func render(_ step: ExecStep, into entries: inout RenderedEntries) {
        switch step.command {
        case .argv(let argv): entries.add("run", .list(argv.map(entries.text)))
        case .shell(let line):
            entries.add("command", entries.text(line))
            entries.add("shell", .bool(true))
        }
        if !step.environment.isEmpty {
            entries.add("env", .map(step.environment.keys.sorted().map { .init($0, entries.text(step.environment[$0] ?? "")) }))
        }
        entries.add("cwd", step.workingDirectory.map(entries.text))
    }
}

// MARK: - Schema

extension PlanSchema {
    /// This step's part of `plan schema` (and docs/PLAN-FILE.md).
    static func schema(of _: ExecStep.Type, _ shared: SharedParts) -> RenderNode {
        let exec = object(
            [
                ("run", doc("The program and its arguments; no shell.", anyOf(array(ref("text"), minItems: 1), ref("expression")))),
                ("command", doc("A shell command line; needs shell: true.", type("string"))),
                ("shell", doc("Run command through /bin/sh.", ref("bool"), default: .bool(false))),
                (
                    "env",
                    doc(
                        "Environment variables for the program.",
                        .map([.init("type", .string("object")), .init("additionalProperties", ref("text"))]))
                ),
                ("cwd", doc("The working directory.", ref("path"), default: .string("the plan file's directory"))),
            ],
            extra: [
                exactlyOne(["run", "command"]),
                .init(
                    "if", .map([.init("required", .list([.string("command")]))])),
                .init(
                    "then",
                    .map([
                        .init("required", .list([.string("shell")])),
                        .init("properties", .map([.init("shell", anyOf(constant(.bool(true)), ref("expression")))])),
                    ])),
            ])
        return step(
            "exec", exec, description: "Run a program: an argv list, or a shell command with shell: true.",
            example: .map([.init("exec", .map([.init("run", .list([.string("npx"), .string("prisma"), .string("generate")]))]))]))
    }
}
