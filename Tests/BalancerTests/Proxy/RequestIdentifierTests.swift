@testable import Balancer
import Testing

@Suite("Request ids")
struct RequestIdentifierTests {
    @Test func idsAre32LowercaseHexDigitsAndDoNotRepeat() {
        var ids = RequestIdentifier()
        let made = (0..<1_000).map { _ in ids.make() }
        #expect(made.allSatisfy { $0.utf8.count == 32 && $0.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) } })
        #expect(Set(made).count == made.count)
        // Leading zero nibbles are written, not dropped: across 1,000 ids some start with "0".
        #expect(made.contains { $0.hasPrefix("0") })
    }
}
