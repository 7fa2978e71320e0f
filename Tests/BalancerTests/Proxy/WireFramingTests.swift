import Balancer
import BalancerConfig
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

/// End to end through a running balancer: responses are re-framed for the client as HTTP/1.1 requires, and
/// requests the proxy cannot forward unambiguously get the right 4xx/5xx before anything reaches a backend.
@Suite("Message framing through the proxy", .timeLimit(.minutes(1)))
struct WireFramingTests {
    /// A balancer in front of one raw backend that answers with `response`.
    func withRawBackend(_ response: String, closeAfter: Bool = false, _ body: (Int) async throws -> Void) async throws {
        let backend = try await RawBackend.start(response: response, closeAfter: closeAfter)
        let raw = BackendConfig(name: "raw", address: BackendAddress(host: "127.0.0.1", port: backend.port), weight: 1, maxConnections: 100)
        let lb = try await BalancerHarness.start(BalancerHarness.config([], extraBackends: [raw]))
        do {
            try await body(lb.ports.proxy)
        } catch {
            await lb.stop(); await backend.stop()
            throw error
        }
        await lb.stop()
        await backend.stop()
    }

    static let chunked = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nx-kind: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"

    @Test func chunkedResponsePassesThroughChunkedToAnHTTP11Client() async throws {
        try await withRawBackend(Self.chunked) { port in
            let reply = try await TestClient.raw(port: port, "GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            #expect(reply.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(reply.contains("\r\ntransfer-encoding: chunked\r\n"))
            #expect(reply.hasSuffix("\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"))
        }
    }

    /// Dechunked, the body can only end with the connection: also when the client asked to keep it.
    @Test(arguments: ["GET / HTTP/1.0\r\n\r\n", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"])
    func chunkedResponseIsDechunkedAndClosedForAnHTTP10Client(request: String) async throws {
        try await withRawBackend(Self.chunked) { port in
            let reply = try await TestClient.raw(port: port, request)
            #expect(reply.hasPrefix("HTTP/1.0 200 OK\r\n"))
            #expect(!reply.lowercased().contains("transfer-encoding"))
            #expect(reply.contains("\r\nconnection: close\r\n"))
            #expect(reply.hasSuffix("\r\n\r\nhello world"))
        }
    }

    @Test func aBodyThatEndsWithTheBackendsConnectionEndsTheClients() async throws {
        try await withRawBackend("HTTP/1.1 200 OK\r\nx-kind: eof\r\n\r\nuntil the end", closeAfter: true) { port in
            // The client asks for keep-alive; the proxy must still close, since the body's end is the close.
            let reply = try await TestClient.raw(port: port, "GET / HTTP/1.1\r\nhost: x\r\n\r\n")
            #expect(reply.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(reply.contains("\r\nconnection: close\r\n"))
            #expect(reply.hasSuffix("\r\n\r\nuntil the end"))
        }
    }

    /// `Connection: close`, or an HTTP/1.0 response without keep-alive (Python's `http.server`, for one).
    @Test(arguments: [
        "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok", "HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\nok",
    ])
    func aBackendThatClosesAfterEveryResponseStillAnswersAKeepAliveClientAtOnce(response: String) async throws {
        try await withRawBackend(response, closeAfter: true) { port in
            // Two requests on one client connection, each on a new upstream connection; the answers used to stay
            // unsent, since the closed upstream connection never reported the end of its read.
            let replies = try await TestClient(port: port).send([(.GET, "/1", [], nil), (.GET, "/2", [], nil)])
            #expect(replies.map(\.status) == [200, 200])
            #expect(replies.map(\.body) == ["ok", "ok"])
        }
    }

    @Test func interimResponsesAreNotForwarded() async throws {
        try await withRawBackend("HTTP/1.1 103 Early Hints\r\nlink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok") { port in
            let reply = try await TestClient.raw(port: port, "GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            #expect(reply.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(!reply.contains("103"))
            #expect(reply.hasSuffix("\r\n\r\nok"))
        }
    }

    @Test func aMalformedResponseIs502() async throws {
        try await withRawBackend("HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\nok") { port in
            let reply = try await TestClient.raw(port: port, "GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            #expect(reply.hasPrefix("HTTP/1.1 502"))
        }
    }

    /// The 502 says what was wrong with the response, not that the backend closed: the log and the client's body
    /// point at the backend's fault.
    @Test(arguments: [
        ("HTTP/1.1 200 OK\r\nx-big: \(String(repeating: "a", count: 70_000))\r\ncontent-length: 2\r\n\r\nok",
         "backend 'raw' sent an invalid response: the head is larger than 65536 bytes"),
        ("HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n",
         "backend 'raw' sent an invalid response: 101 Switching Protocols, though the request asked for no WebSocket upgrade"),
        ("HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\nok",
         "backend 'raw' sent an invalid response: Content-Length on header line 2 is invalid or repeated"),
    ])
    func aResponseTheProxyCannotPassOnIs502NamingTheFault(response: String, reason: String) async throws {
        try await withRawBackend(response) { port in
            let reply = try await TestClient.raw(port: port, "POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            #expect(reply.hasPrefix("HTTP/1.1 502"), "\(reply.prefix(200))")
            #expect(reply.contains("502 Bad Gateway: \(reason)"), "\(reply.prefix(300))")
            #expect(reply.contains(/\r\nx-request-id: [0-9a-f]{32}\r\n/), "the id the proxy made for the request: \(reply.prefix(300))")
        }
    }

    @Test(arguments: [
        ("POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: gzip\r\n\r\n", "HTTP/1.1 501"),
        ("GET / HTTP/2.0\r\nhost: x\r\n\r\n", "HTTP/1.1 505"),
        ("GET / HTTP/1.1\r\n\r\n", "HTTP/1.1 400"),
        ("GET / HTTP/1.1\nhost: x\n\n", "HTTP/1.1 400"),
        ("GET / HTTP/1.1\r\nhost: x\r\nx-a: 1\r\n  folded\r\n\r\n", "HTTP/1.1 400"),
        ("OPTIONS * HTTP/1.1\r\nhost: x\r\n\r\n", "HTTP/1.1 400"),
        ("GET http://user@elsewhere/ HTTP/1.1\r\nhost: x\r\n\r\n", "HTTP/1.1 400"),
    ])
    func requestsThatCannotBeForwardedAreRefused(request: String, status: String) async throws {
        try await withRawBackend("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok") { port in
            let reply = try await TestClient.raw(port: port, request)
            #expect(reply.hasPrefix(status), "\(reply)")
            #expect(!reply.contains("200 OK"), "nothing reached the backend: \(reply)")
        }
    }

    @Test func expectContinueGets100BeforeTheResponse() async throws {
        let backend = try await TestBackend.start("a")
        let lb = try await BalancerHarness.start(BalancerHarness.config([backend]))
        let reply = try await TestClient.raw(
            port: lb.ports.proxy, "POST /echo HTTP/1.1\r\nhost: x\r\nexpect: 100-continue\r\ncontent-length: 4\r\nconnection: close\r\n\r\nbody")
        await lb.stop()
        await backend.kill()
        #expect(reply.hasPrefix("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"))
        #expect(!reply.contains("x-req-expect"), "Expect is not forwarded")
        #expect(reply.hasSuffix("\r\n\r\nbody"))
    }

    @Test func aPipelinedHeadThatArrivesInPiecesIsStillRead() async throws {
        let backend = try await TestBackend.start("a")
        let lb = try await BalancerHarness.start(BalancerHarness.config([backend]))
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: lb.ports.proxy) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        let reply = try await channel.executeThenClose { inbound, outbound in
            // A first exchange leaves a pooled upstream connection on this loop, so the next request is sent
            // upstream at once (not after a connect). Then the next request whole and the start of the one after;
            // the rest of that only once the one before is answered.
            let steps = [
                "GET /zero HTTP/1.1\r\nhost: x\r\n\r\n",
                "GET /one HTTP/1.1\r\nhost: x\r\n\r\nGET /two HTTP/1.1\r\nho",
                "st: x\r\nconnection: close\r\n\r\n",
            ]
            try await outbound.write(ByteBuffer(string: steps[0]))
            var received = ""
            var answered = 0
            for try await chunk in inbound {
                received += String(buffer: chunk)
                let complete = received.components(separatedBy: "\r\n\r\na").count - 1
                while answered < complete {
                    answered += 1
                    if answered < steps.count { try await outbound.write(ByteBuffer(string: steps[answered])) }
                }
            }
            return received
        }
        await lb.stop()
        await backend.kill()
        #expect(reply.components(separatedBy: "HTTP/1.1 200 OK").count == 4, "all three answered: \(reply)")
    }
}
