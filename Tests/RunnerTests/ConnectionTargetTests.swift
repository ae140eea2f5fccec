import Foundation
import Runner
import TestSupport
import Testing

@Suite("ConnectionTarget")
struct ConnectionTargetTests {
    @Test(arguments: [
        ("postgresql://u:secret@db.example.com:6543/app", "port 6543 is the usual transaction-pooler port"),
        ("postgresql://u:secret@ep-cool-pooler.neon.tech/app", "the host name contains '-pooler'"),
        ("postgresql://u:secret@db/app?pgbouncer=true", "the URL says pgbouncer=true"),
    ])
    func warnsAboutTransactionPoolers(url: String, warning: String) {
        #expect(ConnectionTarget(url: url).poolerWarning == warning)
    }

    @Test func directURLsGetNoPoolerWarning() {
        #expect(ConnectionTarget(url: "postgresql://u:secret@db:5432/app").poolerWarning == nil)
    }

    /// The target is shown from parsed fields, never by masking the string (issue 19, item 3).
    @Test func displayStringIsBuiltFromTheParsedFields() {
        let (encoded, short) = ("secret%40t", "ab")
        let target = ConnectionTarget(url: "postgres://admin:\(encoded)@db:5432/app?schema=x&sslmode=disable")
        #expect(target.displayString == "admin@db:5432/app")
        #expect(ConnectionTarget(url: "postgres://u:\(short)@h/d?sslmode=disable").displayString == "u@h:5432/d")
        #expect(ConnectionTarget(url: "host=h port = 6 user=u password = 'a b' dbname=d").displayString == "u@h:6/d")
    }

    @Test(arguments: [
        ("postgresql://u@h/d?password=Qs3cret", ["Qs3cret"]),
        ("postgresql://u:\("p%2Fw")@h/d", ["p/w", "p%2Fw"]),
        ("postgresql://u:\("sl/ash")@h/d", ["sl/ash", "sl", "ash"]),
        ("host=h password = 'it\\'s' user=u", ["it's", "'it\\'s'", "it\\'s"]),
        ("host=h password=plain user=u", ["plain"]),
    ])
    func everySpellingOfThePasswordIsASecret(url: String, secrets: [String]) {
        let found = ConnectionTarget(url: url).secrets
        for secret in secrets { #expect(found.contains(secret), "\(url): \(found)") }
    }

    @Test func theRedactorKnowsQuotedSpellingsAndShortPasswordsAsWords() {
        var redactor = Redactor()
        redactor.add("tok'en")
        redactor.add("ab")
        #expect(redactor.redact("echo 'tok'\\''en'") == "echo '***'")
        #expect(redactor.redact("SELECT 'tok''en'") == "SELECT '***'")
        #expect(redactor.redact("password ab, table disable") == "password ***, table disable")
    }
}
