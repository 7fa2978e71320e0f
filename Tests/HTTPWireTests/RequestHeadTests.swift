@testable import HTTPWire
import BalancerConfig
import NIOCore
import Testing

/// Request heads are parsed strictly: anything a server and a backend could read two ways is refused with the
/// status and the line at fault.
@Suite("Parsing request heads")
struct RequestHeadTests {
    func parse(_ text: String) throws(WireError) -> RequestHead { try RequestHead(ByteBuffer(string: text)) }

    @Test func readsMethodTargetVersionAndTheFieldsTheProxyActsOn() throws {
        let head = try parse("HEAD /jobs/7?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nExpect: 100-Continue\r\nX-Request-ID: r\r\n\r\n")
        #expect(head.path == "/jobs/7")
        #expect(head.isHTTP11 && head.isHEAD && head.isIdempotent)
        #expect(head.headers.contentLength == 0 && head.headers.expectsContinue && head.headers.hasRequestID)
        #expect(head.wantsKeepAlive)
        #expect(head.bodyFraming == .length(0))
        #expect(try !parse("POST / HTTP/1.1\r\nHost: a\r\n\r\n").isIdempotent)
    }

    @Test func keepAliveFollowsVersionAndConnection() throws {
        #expect(try !parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").wantsKeepAlive)
        #expect(try !parse("GET / HTTP/1.0\r\n\r\n").wantsKeepAlive)
        #expect(try parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").wantsKeepAlive)
    }

    @Test(arguments: [
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", WireError.lengthAndTransferEncoding),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n", .invalidContentLength(line: 3)),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\n", .invalidContentLength(line: 2)),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", .invalidContentLength(line: 2)),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .unsupportedTransferCoding(line: 2)),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", .unsupportedTransferCoding(line: 3)),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A : 1\r\n\r\n", .malformedHeader(line: 2)),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n folded\r\n\r\n", .malformedHeader(line: 3)),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: a\u{01}b\r\n\r\n", .malformedHeader(line: 2)),
        ("GET / HTTP/1.1\r\nHost: a\r\n: empty\r\n\r\n", .malformedHeader(line: 2)),
        ("GET / HTTP/1.1\r\n\r\n", .invalidHost),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .invalidHost),
        ("HELLO THERE\r\n\r\n", .malformedStartLine),
        ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", .malformedStartLine),
        ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", .unsupportedVersion),
        ("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", .malformedStartLine),
        ("GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n", .malformedStartLine),
        ("GET http://user@a/x HTTP/1.1\r\nHost: a\r\n\r\n", .malformedStartLine),
        ("GET http://a/ HTTP/1.1\r\n\r\n", .invalidHost),
    ])
    func ambiguousOrMalformedHeadsAreRefused(text: String, error: WireError) {
        #expect(throws: error) { _ = try parse(text) }
    }

    @Test func anAbsoluteFormTargetIsReadAsItsAuthorityAndOriginForm() throws {
        func parts(_ target: String) throws -> (authority: String?, origin: String, path: String) {
            let head = try parse("GET \(target) HTTP/1.1\r\nHost: other\r\n\r\n")
            let text = Array(String(buffer: head.bytes).utf8)
            return (head.authority.map { String(decoding: text[$0], as: UTF8.self) }, String(decoding: text[head.originForm], as: UTF8.self), head.path)
        }
        #expect(try parts("http://jobs.example:8080/api/v1/jobs?q=x") == ("jobs.example:8080", "/api/v1/jobs?q=x", "/api/v1/jobs"))
        #expect(try parts("HTTPS://[::1]:443/a") == ("[::1]:443", "/a", "/a"))
        #expect(try parts("http://jobs.example") == ("jobs.example", "", "/"))
        #expect(try parts("http://jobs.example?q=1") == ("jobs.example", "?q=1", "/"))
        #expect(try parts("/plain?q=1") == (nil, "/plain?q=1", "/plain"))
    }

    @Test func refusalsCarryTheStatusTheClientGets() {
        #expect(WireError.lengthAndTransferEncoding.status == 400)
        #expect(WireError.headTooLarge(limit: 1).status == 431)
        #expect(WireError.unsupportedTransferCoding(line: 1).status == 501)
        #expect(WireError.unsupportedVersion.status == 505)
    }
}

/// The word-at-a-time check of header values agrees with the byte-at-a-time one on every byte in every position.
@Suite("Control bytes in header values")
struct ControlByteTests {
    @Test func everyByteValueInEveryPositionOfAWordIsClassifiedLikeTheByteCheck() {
        for position in 0..<8 {
            for byte in 0...255 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 8)
                bytes[position] = UInt8(byte)
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                let expected = !WireBytes.isValueChar(UInt8(byte)) || byte == 9
                #expect(WireBytes.hasControlByte(word) == expected, "byte \(byte) at \(position)")
            }
        }
    }

    @Test func aControlByteDeepInALongValueIsFound() {
        let value = String(repeating: "v", count: 37) + "\u{1}" + String(repeating: "w", count: 20)
        #expect(throws: WireError.malformedHeader(line: 2)) { _ = try RequestHead(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: a\r\nX-Long: \(value)\r\n\r\n")) }
    }
}

/// The literal `tchar` tables are the grammar's: a name byte is accepted exactly when RFC 9110 allows it.
@Suite("Token characters")
struct TokenCharacterTests {
    @Test func theLiteralTablesMatchTheGrammar() {
        #expect(WireBytes.tokenBitsLow == WireBytes.tokenBits(in: 0..<64))
        #expect(WireBytes.tokenBitsHigh == WireBytes.tokenBits(in: 64..<128))
    }

    @Test func everyByteValueIsClassifiedAsTheGrammarSays() {
        let specials = Set("!#$%&'*+-.^_`|~".utf8)
        for byte in 0...255 {
            let b = UInt8(byte)
            let expected = (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || specials.contains(b)
            #expect(WireBytes.isTokenChar(b) == expected, "byte \(byte)")
        }
    }
}
