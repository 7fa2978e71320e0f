import Balancer
import BalancerAPI
import BalancerConfig
import Foundation
import NIOCore
import Testing

/// An exchange that stops moving is ended after `timeouts.response`, whichever side stopped it: a client that stops
/// sending its request body (408, not held against the backend), a backend that goes quiet halfway through its
/// response (counted against it), or a client that stops taking the response (which would otherwise hold its
/// backend slot and connection for ever: a slow-read attack). A body that keeps moving, however slowly, is not cut.
@Suite("Stalled exchanges through the proxy", .timeLimit(.minutes(1)))
struct StalledResponseTests {
    /// Long enough that a backend on a machine busy with the whole test suite still answers in time (at 500ms one
    /// sometimes did not, and its 504 left a keep-alive client waiting), short enough to keep the suite quick.
    static let timeouts = TimeoutsConfig(response: .seconds(2))

    @Test func aBackendThatStopsHalfwayIsCutOffAndCountedAsFailing() async throws {
        let backend = try await RawBackend.start(response: "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nthe first part")
        let config = BackendConfig(name: "quiet", address: BackendAddress(host: "127.0.0.1", port: backend.port), weight: 1, maxConnections: 100)
        let log = CapturedLog()
        let lb = try await BalancerHarness.start(BalancerHarness.config([], timeouts: Self.timeouts, extraBackends: [config]), log: log)
        // `close`: should the backend's head come too late, the 504 fails the test at once instead of keeping it waiting.
        let reply = try await TestClient.raw(port: lb.ports.proxy, "GET /report HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        #expect(reply.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(reply.hasSuffix("\r\n\r\nthe first part"), "what came is passed on, then the connection closes: \(reply)")
        let line = try await log.waitForLine(containing: "request failed")
        #expect(line.message == "request failed, response cut off: backend 'quiet' sent nothing more of the response for 2s")
        #expect(line.metadata["target"] == "/report")
        // The slot is freed as the proxy's side closes, which the client may see an instant before.
        while lb.balancer.stats().pools[0].backends[0].inFlight > 0 { try await Task.sleep(for: .milliseconds(10)) }
        await lb.stop()
        await backend.stop()
    }

    @Test func aClientThatStopsReadingIsDisconnectedAndItsBackendSlotFreed() async throws {
        // Far more than the socket buffers and the proxy's own buffer hold, so the proxy has to wait for the client.
        let body = String(repeating: "0123456789abcdef", count: 1 << 20)
        let backend = try await RawBackend.start(response: "HTTP/1.1 200 OK\r\ncontent-length: \(body.utf8.count)\r\n\r\n" + body)
        let config = BackendConfig(name: "big", address: BackendAddress(host: "127.0.0.1", port: backend.port), weight: 1, maxConnections: 100)
        let log = CapturedLog()
        let lb = try await BalancerHarness.start(BalancerHarness.config([], timeouts: Self.timeouts, extraBackends: [config]), log: log)
        try await RawConversation.with(port: lb.ports.proxy) { client in
            try await client.send("GET /export HTTP/1.1\r\nhost: x\r\n\r\n")
            // Reads nothing until the proxy gives up on it.
            let line = try await log.waitForLine(containing: "request failed")
            #expect(line.message == "request failed, response cut off: the client took none of the response for 2s")
        }
        while lb.balancer.stats().pools[0].backends[0].inFlight > 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(lb.balancer.stats().pools[0].backends[0].responses5xx == 0, "the backend is not blamed")
        await lb.stop()
        await backend.stop()
    }

    @Test func aSlowButSteadyDownloadIsNotCutOff() async throws {
        // 2 MiB taken one read at a time with a pause before each: the download takes several times the timeout, but
        // no pause comes near it, so nothing is cut off.
        let body = String(repeating: "0123456789abcdef", count: 1 << 17)
        let response = "HTTP/1.1 200 OK\r\ncontent-length: \(body.utf8.count)\r\n\r\n" + body
        let backend = try await RawBackend.start(response: response)
        let config = BackendConfig(name: "big", address: BackendAddress(host: "127.0.0.1", port: backend.port), weight: 1, maxConnections: 100)
        let lb = try await BalancerHarness.start(BalancerHarness.config([], timeouts: Self.timeouts, extraBackends: [config]))
        let start = ContinuousClock.now
        let received = try await RawConversation.with(port: lb.ports.proxy) { client in
            try await client.send("GET /export HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            var total = 0
            while let chunk = try await client.nextChunk() {
                total += chunk.utf8.count
                try await Task.sleep(for: .milliseconds(100))
            }
            return total
        }
        #expect(ContinuousClock.now - start > .seconds(2), "slower than the timeout in all")
        #expect(received == response.utf8.count + "X-Evenkeel-Backend: big\r\nconnection: close\r\n".utf8.count)
        await lb.stop()
        await backend.stop()
    }

    @Test func aClientThatStopsSendingItsBodyGets408AndTheBackendIsNotBlamed() async throws {
        let backend = try await TestBackend.start("echo")
        let log = CapturedLog()
        let lb = try await BalancerHarness.start(BalancerHarness.config([backend], timeouts: Self.timeouts), log: log)
        let reply = try await RawConversation.with(port: lb.ports.proxy) { client in
            try await client.send("POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\nthe first ten")
            return try await client.readToClose()
        }
        #expect(reply.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"), "\(reply)")
        #expect(reply.contains("the request body stopped arriving for 2s"))
        #expect(reply.contains("\r\nconnection: close\r\n"))
        let stats = lb.balancer.stats().pools[0].backends[0]
        #expect(stats.inFlight == 0)
        #expect(stats.responses5xx == 0)
        #expect(try await log.waitForLine(containing: "request failed").message.hasSuffix("answered 408: the request body stopped arriving for 2s"))
        await lb.stop()
        await backend.kill()
    }

    @Test func aSlowButSteadyUploadIsNotCutOff() async throws {
        let backend = try await TestBackend.start("echo")
        let lb = try await BalancerHarness.start(BalancerHarness.config([backend], timeouts: Self.timeouts))
        let piece = "0123456789"
        let start = ContinuousClock.now
        let reply = try await RawConversation.with(port: lb.ports.proxy) { client in
            try await client.send("POST /echo HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: \(piece.utf8.count * 30)\r\n\r\n")
            for _ in 0..<30 {
                try await Task.sleep(for: .milliseconds(100))
                try await client.send(piece)
            }
            return try await client.readToClose()
        }
        #expect(ContinuousClock.now - start > .seconds(2), "the upload took longer than the timeout")
        #expect(reply.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(reply.prefix(300))")
        #expect(reply.hasSuffix(String(repeating: piece, count: 30)))
        await lb.stop()
        await backend.kill()
    }
}
