import Balancer
import EvenkeelTestSupport
import Foundation
import Testing

/// The HTTP/2 limits, each broken on purpose with hand-made frames over a real TLS connection: the connection is
/// closed (or the stream refused) and the breach is counted on `/metrics`.
@Suite("HTTP/2 limits at the proxy listener", .serialized, .timeLimit(.minutes(1)))
struct HTTP2LimitTests {
    /// An HTTP/2 connection past the preface and both SETTINGS.
    static func open(_ fixture: EdgeFixture) async throws -> TLSTestClient {
        let client = try await TLSTestClient.connect(port: fixture.proxyPort, alpn: ["h2"])
        #expect(client.negotiatedProtocol == "h2")
        try await client.send(HTTP2Frames.preface + HTTP2Frames.settings())
        try await client.wait(seconds: 10) { HTTP2Frames.parse($0.bytes).contains { $0.type == 0x4 } }
        try await client.send(HTTP2Frames.settingsAck())
        return client
    }

    @Test func theServerAnnouncesItsStreamAndHeaderLimits() async throws {
        let fixture = try await EdgeFixture.start(backends: ["a"], limits: "http2_max_concurrent_streams: 7, max_header_bytes: 8192")
        let teardown = Teardown { await fixture.stop() }
        defer { teardown.runIfForgotten() }
        let client = try await Self.open(fixture)
        #expect(HTTP2Frames.setting(0x3, in: client.bytes) == 7, "SETTINGS_MAX_CONCURRENT_STREAMS")
        #expect(HTTP2Frames.setting(0x6, in: client.bytes) == 8192, "SETTINGS_MAX_HEADER_LIST_SIZE")
        await client.close()
        await teardown.run()
    }

    @Test func aStreamOverTheConcurrentLimitClosesTheConnectionAndIsCounted() async throws {
        let fixture = try await EdgeFixture.start(backends: ["a"], limits: "http2_max_concurrent_streams: 3")
        let teardown = Teardown { await fixture.stop() }
        defer { teardown.runIfForgotten() }
        let client = try await Self.open(fixture)
        // Three requests whose bodies never come hold their streams open; the fourth is one too many.
        try await client.send((0..<4).flatMap { HTTP2Frames.get(stream: UInt32(1 + 2 * $0), endStream: false) })
        try await client.wait(seconds: 10) { $0.closed }
        let goAway = try #require(HTTP2Frames.parse(client.bytes).first { $0.type == 0x7 })
        #expect(goAway.payload.suffix(4) == [0, 0, 0, 0x1], "GOAWAY with PROTOCOL_ERROR")
        #expect(fixture.metric(#"evenkeel_http2_limit_closures_total{reason="concurrent_streams"}"#) == 1)
        #expect(fixture.backends[0].requestCount == 0, "no request of the connection had its body, so none went on")
        await teardown.run()
    }

    @Test func aPingFloodClosesTheConnectionAndIsCounted() async throws {
        let fixture = try await EdgeFixture.start(backends: ["a"])
        let teardown = Teardown { await fixture.stop() }
        defer { teardown.runIfForgotten() }
        let client = try await Self.open(fixture)
        try await client.send((0..<400).flatMap { HTTP2Frames.ping(UInt8($0 % 256)) })
        try await client.wait(seconds: 10) { $0.closed }
        #expect(HTTP2Frames.sawGoAway(client.bytes))
        #expect(fixture.metric(#"evenkeel_http2_limit_closures_total{reason="control_frame_flood"}"#) == 1)
        await teardown.run()
    }

    @Test func aRapidResetFloodClosesTheConnectionAndIsCounted() async throws {
        let fixture = try await EdgeFixture.start(backends: ["a"])
        let teardown = Teardown { await fixture.stop() }
        defer { teardown.runIfForgotten() }
        let client = try await Self.open(fixture)
        // Open a stream and cancel it at once, 400 times (CVE-2023-44487).
        try await client.send((0..<400).flatMap { n -> [UInt8] in
            let stream = UInt32(1 + 2 * n)
            return HTTP2Frames.get(stream: stream, endStream: false) + HTTP2Frames.reset(stream: stream)
        })
        try await client.wait(seconds: 10) { $0.closed }
        #expect(HTTP2Frames.sawGoAway(client.bytes))
        let counted = fixture.metric(#"evenkeel_http2_limit_closures_total{reason="rapid_reset"}"#)
            + fixture.metric(#"evenkeel_http2_limit_closures_total{reason="glitches"}"#)
        #expect(counted == 1)
        await teardown.run()
    }

    @Test func aContinuationFloodClosesTheConnectionAndIsCounted() async throws {
        let fixture = try await EdgeFixture.start(backends: ["a"])
        let teardown = Teardown { await fixture.stop() }
        defer { teardown.runIfForgotten() }
        let client = try await Self.open(fixture)
        // A header block that never ends.
        try await client.send(HTTP2Frames.headersWithoutEnd(stream: 1) + (0..<50).flatMap { _ in HTTP2Frames.continuation(stream: 1) })
        try await client.wait(seconds: 10) { $0.closed }
        #expect(fixture.metric(#"evenkeel_http2_limit_closures_total{reason="continuation_flood"}"#) == 1)
        #expect(fixture.backends[0].requestCount == 0)
        await teardown.run()
    }

    @Test func aHeaderListOverTheLimitNeverReachesABackend() async throws {
        let fixture = try await EdgeFixture.start(backends: ["a"], limits: "max_header_bytes: 4096")
        let teardown = Teardown { await fixture.stop() }
        defer { teardown.runIfForgotten() }
        let big = String(repeating: "x", count: 6000)
        let answered = try await fixture.curl(["--http2", "-o", "/dev/null", "-w", "%{http_code}", "-H", "x-big: \(big)", "https://127.0.0.1:\(fixture.proxyPort)/"])
        #expect(answered.output != "200", "\(answered.output)")
        #expect(fixture.backends[0].requestCount == 0)
        // The connection limit is per connection: the next client is served.
        let next = try await fixture.curl(["--http2", "-o", "/dev/null", "-w", "%{http_code}", "https://127.0.0.1:\(fixture.proxyPort)/"])
        #expect(next.output == "200")
        await teardown.run()
    }

    @Test func anIdleHTTP2ConnectionIsSentAwayAndClosed() async throws {
        let fixture = try await EdgeFixture.start(backends: ["a"], timeouts: "idle: 1s")
        let teardown = Teardown { await fixture.stop() }
        defer { teardown.runIfForgotten() }
        // The request goes with the preface (a client need not wait for the server's SETTINGS), so a busy machine's
        // delays cannot leave the connection idle before it.
        let client = try await TLSTestClient.connect(port: fixture.proxyPort, alpn: ["h2"])
        try await client.send(HTTP2Frames.preface + HTTP2Frames.settings() + HTTP2Frames.get(stream: 1))
        try await client.wait(seconds: 10) { $0.closed }
        #expect(HTTP2Frames.sawGoAway(client.bytes))
        #expect(fixture.backends[0].requestCount == 1, "the request was answered before the idle time ran")
        await teardown.run()
    }
}
