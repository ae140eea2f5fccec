import Foundation
import Testing

@testable import Runner

/// The URL percent-decoder replaced Foundation's `removingPercentEncoding` for Prisma's query
/// parameters and URL passwords: same answers, nil included.
@Suite struct PercentEncodingTests {
    @Test(arguments: [
        "", "plain", "Tenant%20One", "secret%40t", "%E6%97%A5%E6%9C%AC", "%e6%97%a5", "100%", "%4", "%zz", "%%41", "%C3%28",
        "%FF", "a+b", "caf%C3%A9", "%2525", "%00",
    ])
    func decodesAsFoundationDid(_ text: String) {
        #expect(text.removingPercentEncodingForURL() == text.removingPercentEncoding, "\(text)")
    }

    @Test func encodingRoundTrips() {
        for secret in ["p@ss:w/rd", "päss wörd", "100%", "plain-._~"] {
            #expect(secret.addingPercentEncodingForURL().removingPercentEncodingForURL() == secret)
        }
        #expect("a b@c".addingPercentEncodingForURL() == "a%20b%40c")
    }
}
