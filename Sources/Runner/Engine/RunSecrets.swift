import FoundationEssentials

/// Every secret a run knows, gathered in one place into the run's one redactor (issue 19,
/// item 3): the connection string's password in every spelling, `PGPASSWORD`, the passwords of
/// the `.pgpass` file libpq may use, values the plan read from `env`, and the secret-looking
/// values of `.env` / `prisma/.env`.
public enum RunSecrets {
    /// Names of variables whose values are secrets (`DATABASE_URL`'s password is found by parsing).
    static let secretNameParts = ["PASSWORD", "PASSWD", "PWD", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "PRIVATE"]

    public static func redactor(
        planSecrets: [String], target: ConnectionTarget, environment: [String: String], workingDirectory: String
    ) -> Redactor {
        var redactor = Redactor(secrets: planSecrets)
        for secret in target.secrets { redactor.add(secret) }
        if let password = environment["PGPASSWORD"] { redactor.add(password) }
        for password in pgpassPasswords(environment: environment) { redactor.add(password) }
        for file in [workingDirectory + "/.env", workingDirectory + "/prisma/.env"] {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            for (name, value) in DotEnv.parse(String(decoding: data, as: UTF8.self)) {
                for secret in secrets(named: name, value: value) { redactor.add(secret) }
            }
        }
        return redactor
    }

    /// A variable's secrets: its value when its name says secret, and any password in a value
    /// that is a connection string.
    static func secrets(named name: String, value: String) -> [String] {
        var found: [String] = []
        let upper = name.uppercased()
        // Short values of such names are not worth blanking as words elsewhere in the output.
        if secretNameParts.contains(where: { upper.contains($0) }), upper != "PWD", upper != "OLDPWD", value.count >= 3 {
            found.append(value)
        }
        let lower = value.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") || lower.contains("password") {
            found += ConnectionString(value).secrets
        }
        return found
    }

    /// The password field of every line of the password file libpq reads (PGPASSFILE, else
    /// ~/.pgpass): which one libpq picks is known only after connecting, so all of them.
    static func pgpassPasswords(environment: [String: String]) -> [String] {
        let path = environment["PGPASSFILE"] ?? environment["HOME"].map { $0 + "/.pgpass" }
        guard let path, let data = FileManager.default.contents(atPath: path) else { return [] }
        var passwords: [String] = []
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            // hostname:port:database:username:password, with \: and \\ escapes.
            var fields: [String] = [""]
            var escaped = false
            for character in line {
                if escaped {
                    fields[fields.count - 1].append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == ":", fields.count < 5 {
                    fields.append("")
                } else {
                    fields[fields.count - 1].append(character)
                }
            }
            if fields.count == 5, !fields[4].isEmpty { passwords.append(fields[4]) }
        }
        return passwords
    }
}
