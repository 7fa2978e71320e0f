import Foundation
import Synchronization
import Balancer
import BalancerConfig
import Testing

/// Ambiguous or oversized requests get a 4xx and a closed connection; nothing reaches a backend.
@Suite("Malformed and hostile requests", .timeLimit(.minutes(1)))
struct MalformedRequestTests {
    func withProxy(limits: LimitsConfig = LimitsConfig(), timeouts: TimeoutsConfig = TimeoutsConfig(), _ body: (Int, TestBackend) async throws -> Void) async throws {
        let backend = try await TestBackend.start("a")
        let lb = try await BalancerHarness.start(BalancerHarness.config([backend], timeouts: timeouts, limits: limits))
        do {
            try await body(lb.ports.proxy, backend)
        } catch {
            await lb.stop(); await backend.kill()
            throw error
        }
        await lb.stop()
        await backend.kill()
    }

    @Test func bothContentLengthAndTransferEncodingIs400AndClosed() async throws {
        try await withProxy { port, backend in
            let reply = try await TestClient.raw(port: port, "POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nhost: x\r\n\r\n")
            #expect(reply.hasPrefix("HTTP/1.1 400"))
            #expect(reply.components(separatedBy: "HTTP/1.1").count == 2, "exactly one response: \(reply)")
            #expect(backend.requestCount == 0)
        }
    }

    @Test func badChunkSizeIs400AndClosed() async throws {
        try await withProxy { port, _ in
            let reply = try await TestClient.raw(port: port, "POST /echo HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n")
            #expect(reply.hasPrefix("HTTP/1.1 400"))
        }
    }

    @Test func conflictingContentLengthsAre400() async throws {
        try await withProxy { port, backend in
            let reply = try await TestClient.raw(port: port, "POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 3\r\ncontent-length: 7\r\n\r\nabcdefg")
            #expect(reply.hasPrefix("HTTP/1.1 400"))
            #expect(backend.requestCount == 0)
        }
    }

    @Test func garbageRequestLineIs400() async throws {
        try await withProxy { port, _ in
            let reply = try await TestClient.raw(port: port, "HELLO THERE\r\n\r\n")
            #expect(reply.hasPrefix("HTTP/1.1 400"))
        }
    }

    @Test func oversizedHeadIs431() async throws {
        try await withProxy(limits: LimitsConfig(maxHeaderBytes: 2048)) { port, backend in
            let big = String(repeating: "v", count: 4000)
            let reply = try await TestClient.raw(port: port, "GET / HTTP/1.1\r\nhost: x\r\nx-big: \(big)\r\n\r\n")
            #expect(reply.hasPrefix("HTTP/1.1 431"))
            #expect(backend.requestCount == 0)
        }
    }

    @Test func declaredBodyOverTheLimitIs413() async throws {
        try await withProxy(limits: LimitsConfig(maxBodyBytes: 100)) { port, backend in
            let reply = try await TestClient.raw(port: port, "POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n")
            #expect(reply.hasPrefix("HTTP/1.1 413"))
            #expect(backend.requestCount == 0)
        }
    }

    @Test func chunkedBodyOverTheLimitIs413() async throws {
        try await withProxy(limits: LimitsConfig(maxBodyBytes: 100)) { port, _ in
            let chunk = String(repeating: "y", count: 80)
            let reply = try await TestClient.raw(port: port, "POST /echo HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n50\r\n\(chunk)\r\n50\r\n\(chunk)\r\n0\r\n\r\n")
            #expect(reply.hasPrefix("HTTP/1.1 413"))
        }
    }

    @Test func slowlorisHeadGets408AndIsClosed() async throws {
        try await withProxy(timeouts: TimeoutsConfig(headerRead: .milliseconds(200))) { port, backend in
            // Half a request head, never finished: the proxy must not wait forever.
            let reply = try await TestClient.raw(port: port, "GET / HTTP/1.1\r\nhost: x\r\nx-slow: ")
            #expect(reply.hasPrefix("HTTP/1.1 408"))
            #expect(backend.requestCount == 0)
        }
    }

    @Test func idleKeepAliveConnectionIsClosed() async throws {
        // Long enough that a loaded CI machine still gets the request in before the idle timer fires.
        try await withProxy(timeouts: TimeoutsConfig(idle: .seconds(3))) { port, _ in
            let reply = try await TestClient.raw(port: port, "GET / HTTP/1.1\r\nhost: x\r\n\r\n")
            #expect(reply.hasPrefix("HTTP/1.1 200"))
            #expect(reply.hasSuffix("a"))
        }
    }

    @Test func chunkedRequestIsForwardedIntact() async throws {
        try await withProxy { port, _ in
            let reply = try await TestClient.raw(port: port, "POST /echo HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
            #expect(reply.hasPrefix("HTTP/1.1 200"))
            #expect(reply.hasSuffix("hello world"))
        }
    }
}
