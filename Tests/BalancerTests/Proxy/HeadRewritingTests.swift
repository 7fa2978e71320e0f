@testable import Balancer
import HTTPWire
import NIOCore
import Testing

/// The heads the proxy sends: hop-by-hop fields removed (also those named in `Connection`, in any case),
/// forwarding fields added, everything else passed on byte for byte and in order.
@Suite("Rewriting request and response heads")
struct HeadRewritingTests {
    func upstream(
        _ text: String, clientIP: String? = "10.0.0.7", keepUnderscoreNames: Bool = false, hostIfMissing: String? = nil
    ) throws -> String {
        var ids = RequestIdentifier()
        let head = try RequestHead(ByteBuffer(string: text))
        var out = ByteBuffer()
        HeadWriter.upstreamRequest(
            head, clientIP: clientIP, ids: &ids, keepUnderscoreNames: keepUnderscoreNames, hostIfMissing: hostIfMissing, into: &out)
        return String(buffer: out)
    }

    @Test func dropsFieldsWithUnderscoredNamesSoNoneCanPassForTheProxysOwn() throws {
        let sent = try upstream(
            "GET / HTTP/1.1\r\nHost: x\r\nX_Forwarded_For: 6.6.6.6\r\nX-Kept: 1\r\nx_request_id: forged\r\nUser_Agent: u\r\nX-Also: 2\r\n\r\n")
        #expect(!sent.contains("_"))
        #expect(!sent.contains("6.6.6.6") && !sent.contains("forged"))
        #expect(sent.contains("\r\nX-Kept: 1\r\nX-Also: 2\r\n"))
        #expect(sent.contains("\r\nx-forwarded-for: 10.0.0.7\r\n"))
    }

    @Test func keepsUnderscoredNamesWhenConfiguredTo() throws {
        let sent = try upstream("GET / HTTP/1.1\r\nHost: x\r\nMy_Header: 1\r\n\r\n", keepUnderscoreNames: true)
        #expect(sent.contains("\r\nMy_Header: 1\r\n"))
    }

    @Test func anHTTP10RequestWithoutHostGetsTheProxysAddressAsHost() throws {
        let sent = try upstream("GET /a HTTP/1.0\r\nAccept: */*\r\n\r\n", hostIfMissing: "127.0.0.1:8080")
        #expect(sent.hasPrefix("GET /a HTTP/1.1\r\nhost: 127.0.0.1:8080\r\nAccept: */*\r\n"))
        let withHost = try upstream("GET /a HTTP/1.0\r\nHost: site\r\n\r\n", hostIfMissing: "127.0.0.1:8080")
        #expect(withHost.hasPrefix("GET /a HTTP/1.1\r\nHost: site\r\n") && !withHost.contains("127.0.0.1:8080"))
    }

    @Test func anHTTP10ClientKeptAliveIsToldSo() throws {
        let kept = try downstream("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", clientIsHTTP11: false, keepAlive: true)
        #expect(kept.hasPrefix("HTTP/1.0 200 OK\r\n") && kept.contains("\r\nconnection: keep-alive\r\n"))
        let closed = try downstream("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", clientIsHTTP11: false, keepAlive: false)
        #expect(closed.contains("\r\nconnection: close\r\n") && !closed.contains("keep-alive"))
        let http11 = try downstream("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", clientIsHTTP11: true, keepAlive: true)
        #expect(!http11.lowercased().contains("connection"))
    }

    @Test func anAbsoluteFormTargetGoesOnInOriginFormWithItsAuthorityAsTheOnlyHost() throws {
        let sent = try upstream("GET http://jobs.example:8080/api?q=1 HTTP/1.1\r\nHost: elsewhere\r\nAccept: */*\r\n\r\n")
        #expect(sent.hasPrefix("GET /api?q=1 HTTP/1.1\r\nhost: jobs.example:8080\r\nAccept: */*\r\n"))
        #expect(!sent.contains("elsewhere"))
        #expect(try upstream("OPTIONS http://jobs.example?x HTTP/1.1\r\nHost: h\r\n\r\n").hasPrefix("OPTIONS /?x HTTP/1.1\r\nhost: jobs.example\r\n"))
        // HTTP/1.0 without Host: the authority, not the listener's address.
        let old = try upstream("GET http://a.example HTTP/1.0\r\n\r\n", hostIfMissing: "127.0.0.1:8080")
        #expect(old.hasPrefix("GET / HTTP/1.1\r\nhost: a.example\r\n") && !old.contains("127.0.0.1:8080"))
        // A long authority in a short head still fits.
        let long = String(repeating: "a", count: 2000) + ".example"
        #expect(try upstream("GET http://\(long) HTTP/1.0\r\n\r\n", clientIP: nil).hasPrefix("GET / HTTP/1.1\r\nhost: \(long)\r\n"))
    }

    @Test func anIPv6ListenerIsWrittenInBrackets() throws {
        #expect(ProxyClientHandler.authority(of: try SocketAddress(ipAddress: "::1", port: 8080)) == "[::1]:8080")
        #expect(ProxyClientHandler.authority(of: try SocketAddress(ipAddress: "10.1.2.3", port: 80)) == "10.1.2.3:80")
        #expect(ProxyClientHandler.authority(of: nil) == nil)
    }

    func downstream(_ text: String, clientIsHTTP11: Bool = true, keepAlive: Bool = true) throws -> String {
        var out = ByteBuffer()
        try downstream(text, clientIsHTTP11: clientIsHTTP11, keepAlive: keepAlive, into: &out)
        return String(buffer: out)
    }

    func downstream(_ text: String, clientIsHTTP11: Bool = true, keepAlive: Bool = true, into out: inout ByteBuffer) throws {
        let head = try ResponseHead(ByteBuffer(string: text))
        HeadWriter.downstreamResponse(
            head, clientIsHTTP11: clientIsHTTP11, chunkedToClient: head.headers.chunked && clientIsHTTP11,
            backendHeader: "X-Evenkeel-Backend", backendName: "b1", keepAlive: keepAlive, into: &out)
    }

    /// Where a buffer's bytes are stored, to tell whether two writes used the same storage.
    func storage(_ buffer: ByteBuffer) -> UnsafeRawPointer? { buffer.withUnsafeReadableBytes { $0.baseAddress } }

    @Test func aHeadBufferIsReusedOnceThePreviousHeadHasGoneOut() throws {
        var out = ByteBuffer()
        try downstream("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n", into: &out)
        let first = storage(out)
        try downstream("HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\n", into: &out)
        #expect(storage(out) == first, "nothing else held the first head: its storage is written again")
        #expect(String(buffer: out).hasPrefix("HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n"))
    }

    @Test func aHeadStillBeingWrittenIsNotOverwrittenByTheNext() throws {
        var out = ByteBuffer()
        try downstream("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n", into: &out)
        // What a pending write holds until the socket takes it.
        let pending = out
        try downstream("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 2\r\n\r\n", into: &out)
        #expect(String(buffer: pending) == "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nX-Evenkeel-Backend: b1\r\n\r\n")
        #expect(String(buffer: out).hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        #expect(storage(out) != storage(pending))
    }

    @Test func removesStandardAndConnectionNamedHeadersCaseInsensitively() throws {
        let sent = try upstream(
            "GET /a?q=1 HTTP/1.1\r\nHost: x\r\nCONNECTION: Keep-Alive, X-Secret , x-other\r\nkeep-alive: timeout=5\r\n"
                + "X-SECRET: 1\r\nX-Other: 2\r\nUpgrade: h2c\r\nTE: trailers\r\nX-Kept: 3\r\nProxy-Authorization: Basic abc\r\n\r\n",
            clientIP: nil)
        let lines = sent.split(separator: "\r\n").map(String.init)
        #expect(lines[0] == "GET /a?q=1 HTTP/1.1")
        #expect(lines[1] == "Host: x")
        #expect(lines[2] == "X-Kept: 3")
        #expect(lines[3] == "x-forwarded-proto: http")
        #expect(lines[4].hasPrefix("x-request-id: ") && lines[4].count == 14 + 32)
        #expect(lines.count == 5)
        #expect(sent.hasSuffix("\r\n\r\n"))
    }

    @Test func connectionTokensThatNameNoHeaderRemoveNothingElse() throws {
        let sent = try upstream("GET / HTTP/1.1\r\nHost: x\r\nConnection: close, ,keep-alive\r\nClosed: 1\r\nKeep-Alive-Not: 2\r\n\r\n")
        #expect(sent.contains("\r\nClosed: 1\r\nKeep-Alive-Not: 2\r\n"))
        #expect(!sent.lowercased().contains("connection"))
    }

    @Test func appendsTheClientToXForwardedForAndKeepsAClientRequestID() throws {
        let sent = try upstream(
            "POST /p HTTP/1.0\r\nHost: x\r\nX-Forwarded-For: 1.1.1.1\r\nX-Request-ID: abc\r\nx-forwarded-for: 2.2.2.2\r\n"
                + "X-Forwarded-Proto: https\r\nContent-Length: 3\r\n\r\n")
        #expect(sent.hasPrefix("POST /p HTTP/1.1\r\nHost: x\r\nX-Request-ID: abc\r\nContent-Length: 3\r\n"))
        #expect(sent.contains("\r\nx-forwarded-for: 1.1.1.1, 2.2.2.2, 10.0.0.7\r\n"))
        #expect(sent.contains("\r\nx-forwarded-proto: http\r\n"))
        #expect(!sent.contains("https") && !sent.contains("x-request-id"))
    }

    @Test func anEmptyRequestIDIsReplacedAndExpectIsNotForwarded() throws {
        let sent = try upstream("PUT /p HTTP/1.1\r\nHost: x\r\nX-Request-ID: \r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n")
        #expect(!sent.contains("X-Request-ID") && !sent.contains("Expect"))
        #expect(sent.contains("\r\nx-request-id: ") && sent.contains("\r\ntransfer-encoding: chunked\r\n"))
    }

    @Test func responseGetsTheClientsVersionTheBackendHeaderAndNoHopByHopFields() throws {
        let sent = try downstream(
            "HTTP/1.1 404 Not Found\r\nServer: s\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nx-evenkeel-backend: spoofed\r\n"
                + "Content-Length: 2\r\n\r\n", clientIsHTTP11: false, keepAlive: false)
        #expect(sent == "HTTP/1.0 404 Not Found\r\nServer: s\r\nContent-Length: 2\r\nX-Evenkeel-Backend: b1\r\nconnection: close\r\n\r\n")
    }

    @Test func chunkedResponseDropsAStaleLengthAndStaysChunkedForHTTP11Only() throws {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\nA: 1\r\n\r\n"
        // (A backend sending both is malformed; the parser refuses it before any rewriting.)
        #expect(throws: WireError.lengthAndTransferEncoding) { _ = try downstream(text) }
        let chunked = try downstream("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nA: 1\r\n\r\n")
        #expect(chunked == "HTTP/1.1 200 OK\r\nA: 1\r\ntransfer-encoding: chunked\r\nX-Evenkeel-Backend: b1\r\n\r\n")
        let dechunked = try downstream("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nA: 1\r\n\r\n", clientIsHTTP11: false, keepAlive: false)
        #expect(dechunked == "HTTP/1.0 200 OK\r\nA: 1\r\nX-Evenkeel-Backend: b1\r\nconnection: close\r\n\r\n")
    }

    @Test func theProxysOwnFieldsFitHoweverLongTheyAre() throws {
        // A short head, long additions: a 1,000-byte Host for a request without one, an IPv6 client, a chunked body.
        let client = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
        let host = String(repeating: "h", count: 994) + ":65535"
        let short = try upstream("GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", clientIP: client, hostIfMissing: host)
        #expect(short.hasPrefix("GET / HTTP/1.1\r\nhost: \(host)\r\ntransfer-encoding: chunked\r\nx-forwarded-for: \(client)\r\n"))
        // Prior X-Forwarded-For values, each on the shortest line that can carry it, joined with the client's.
        let prior = (0..<200).map { "x-forwarded-for:\($0 % 10)\r\n" }.joined()
        let joined = try upstream("GET / HTTP/1.1\r\nHost: h\r\n" + prior + "\r\n", clientIP: client)
        let values = (0..<200).map { String($0 % 10) } + [client]
        #expect(joined.contains("\r\nx-forwarded-for: \(values.joined(separator: ", "))\r\nx-forwarded-proto: http\r\nx-request-id: "))
        #expect(joined.hasSuffix("\r\n\r\n"))
        // A response whose only field is the backend header, replaced by a long name and value, to an HTTP/1.0
        // client kept alive.
        let head = try ResponseHead(ByteBuffer(string: "HTTP/1.1 200 OK\r\nX-Served-By-Backend-Named: a\r\n\r\n"))
        let name = String(repeating: "b", count: 500)
        var out = ByteBuffer()
        HeadWriter.downstreamResponse(
            head, clientIsHTTP11: false, chunkedToClient: false, backendHeader: "X-Served-By-Backend-Named", backendName: name,
            keepAlive: true, into: &out)
        let response = String(buffer: out)
        #expect(response == "HTTP/1.0 200 OK\r\nX-Served-By-Backend-Named: \(name)\r\nconnection: keep-alive\r\n\r\n")
    }

    @Test func aStatusLineWithoutReasonIsKeptAsSent() throws {
        #expect(try downstream("HTTP/1.1 204\r\n\r\n").hasPrefix("HTTP/1.1 204\r\nX-Evenkeel-Backend: b1\r\n"))
    }
}
