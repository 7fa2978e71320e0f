@testable import Balancer
import BalancerConfig
import HTTPWire
import NIOCore
import Testing

/// The key a hashing pool picks by comes from the named header or cookie, or the client's address.
@Suite struct HashKeyTests {
    func parse(_ text: String) throws(WireError) -> RequestHead { try RequestHead(ByteBuffer(string: text)) }

    @Test func hashKeysComeFromTheNamedHeaderOrCookie() throws {
        let head = try parse("GET / HTTP/1.1\r\nHost: a\r\nX-User: u1\r\nCookie: a=1; session=s9 ; b=2\r\n\r\n")
        #expect(ProxyClientHandler.hashKey(head, source: .header("x-user"), clientIP: "ip") == "u1")
        #expect(ProxyClientHandler.hashKey(head, source: .cookie("session"), clientIP: "ip") == "s9")
        #expect(ProxyClientHandler.hashKey(head, source: .header("x-none"), clientIP: "ip") == "ip")
    }

    @Test func anAbsoluteFormTargetsAuthorityIsTheHostAHashKeySees() throws {
        // It is the Host sent on, so it is the one hashed.
        let head = try parse("GET http://site.example/ HTTP/1.1\r\nHost: other\r\n\r\n")
        #expect(ProxyClientHandler.hashKey(head, source: .header("host"), clientIP: "ip") == "site.example")
    }
}
