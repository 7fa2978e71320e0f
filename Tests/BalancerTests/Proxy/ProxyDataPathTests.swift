import Balancer
import BalancerAPI
import BalancerConfig
import EvenkeelTestSupport
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

@Suite("Proxy data path", .timeLimit(.minutes(1)))
struct ProxyDataPathTests {
    @Test func weightedRoundRobinSplitIsExactThroughTheProxy() async throws {
        let backends = [try await TestBackend.start("a"), try await TestBackend.start("b"), try await TestBackend.start("c")]
        let lb = try await BalancerHarness.start(BalancerHarness.config(backends, weights: [1, 2, 3]))
        let teardown = Teardown { await lb.stop(); for b in backends { await b.kill() } }
        defer { teardown.runIfForgotten() }
        let responses = try await TestClient(port: lb.ports.proxy).send(Array(repeating: (.GET, "/", [], nil), count: 60))
        var counts: [String: Int] = [:]
        for r in responses {
            #expect(r.status == 200)
            counts[r.headers["X-Evenkeel-Backend"].first ?? "?", default: 0] += 1
        }
        #expect(counts == ["a": 10, "b": 20, "c": 30])
        #expect(backends.map { $0.requestCount } == [10, 20, 30])
        await teardown.run()
    }

    @Test func addsForwardingHeadersAndStripsHopByHopOnes() async throws {
        let backend = try await TestBackend.start("a")
        let lb = try await BalancerHarness.start(BalancerHarness.config([backend]))
        let teardown = Teardown { await lb.stop(); await backend.kill() }
        defer { teardown.runIfForgotten() }
        let r = try await TestClient.get(port: lb.ports.proxy, "/", headers: [
            ("connection", "keep-alive, x-secret"), ("x-secret", "hop"), ("keep-alive", "timeout=5"),
            ("x-forwarded-for", "10.1.1.1"), ("x-custom", "end-to-end"),
        ])
        #expect(r.status == 200)
        #expect(r.body == "a")
        #expect(r.headers["x-req-x-forwarded-for"] == ["10.1.1.1, 127.0.0.1"])
        #expect(r.headers["x-req-x-forwarded-proto"] == ["http"])
        #expect(r.headers["x-req-x-request-id"].first?.count == 32)
        #expect(r.headers["x-req-x-custom"] == ["end-to-end"])
        #expect(r.headers["x-req-x-secret"].isEmpty)
        #expect(r.headers["x-req-keep-alive"].isEmpty)
        #expect(r.headers["X-Evenkeel-Backend"] == ["a"])
        await teardown.run()
    }

    @Test func keepsAClientRequestID() async throws {
        let backend = try await TestBackend.start("a")
        let lb = try await BalancerHarness.start(BalancerHarness.config([backend]))
        let teardown = Teardown { await lb.stop(); await backend.kill() }
        defer { teardown.runIfForgotten() }
        let r = try await TestClient.get(port: lb.ports.proxy, "/", headers: [("x-request-id", "abc-123")])
        #expect(r.headers["x-req-x-request-id"] == ["abc-123"])
        await teardown.run()
    }

    @Test func streamsLargeBodiesBothWays() async throws {
        let backend = try await TestBackend.start("a")
        let lb = try await BalancerHarness.start(BalancerHarness.config([backend]))
        let teardown = Teardown { await lb.stop(); await backend.kill() }
        defer { teardown.runIfForgotten() }
        let payload = String(repeating: "0123456789", count: 200_000)
        let responses = try await TestClient(port: lb.ports.proxy).send([
            (.POST, "/echo", [], payload),
            (.GET, "/big?bytes=3000000", [], nil),
        ])
        #expect(responses[0].status == 200)
        #expect(responses[0].body.count == payload.count)
        #expect(responses[0].body == payload)
        #expect(responses[1].body.utf8.count == 3_000_000)
        await teardown.run()
    }

    @Test func retriesAConnectFailureOnAnotherBackend() async throws {
        let live = try await TestBackend.start("live")
        let dead = BackendConfig(name: "dead", address: BackendAddress(host: "127.0.0.1", port: try await deadPort()))
        let lb = try await BalancerHarness.start(BalancerHarness.config([live], extraBackends: [dead]))
        let teardown = Teardown { await lb.stop(); await live.kill() }
        defer { teardown.runIfForgotten() }
        let responses = try await TestClient(port: lb.ports.proxy).send(Array(repeating: (.POST, "/echo", [], "x"), count: 10))
        #expect(responses.allSatisfy { $0.status == 200 && $0.headers["X-Evenkeel-Backend"] == ["live"] })
        let stats = lb.balancer.stats().pools[0].backends
        #expect(stats[0].name == "dead")
        #expect(stats[0].connectErrors > 0)
        #expect(stats[0].retries == stats[0].connectErrors)
        await teardown.run()
    }

    @Test func answers502WhenNoRetryIsPossible() async throws {
        let dead = BackendConfig(name: "dead", address: BackendAddress(host: "127.0.0.1", port: try await deadPort()))
        var config = BalancerHarness.config([], extraBackends: [dead])
        config.pools[0].retry.attempts = 0
        let lb = try await BalancerHarness.start(config)
        let teardown = Teardown { await lb.stop() }
        defer { teardown.runIfForgotten() }
        let r = try await TestClient.get(port: lb.ports.proxy, "/")
        #expect(r.status == 502)
        #expect(r.body.contains("could not connect to backend 'dead'"))
        await teardown.run()
    }

    @Test func queueFullAnswers503WithRetryAfter() async throws {
        let backend = try await TestBackend.start("a")
        let lb = try await BalancerHarness.start(BalancerHarness.config([backend], maxConnections: 1, limits: LimitsConfig(queueSize: 0)))
        let teardown = Teardown { await lb.stop(); await backend.kill() }
        defer { teardown.runIfForgotten() }
        // Slow enough to still hold the slot when the second request comes, even on a machine busy with the suite.
        async let slow = TestClient.get(port: lb.ports.proxy, "/slow?ms=5000")
        // Wait until the slow request holds the only slot.
        try await waitForAdmitted(lb.balancer)
        let refused = try await TestClient.get(port: lb.ports.proxy, "/")
        #expect(refused.status == 503)
        #expect(refused.headers["retry-after"] == ["1"])
        #expect(try await slow.status == 200)
        await teardown.run()
    }

    @Test func aBackendKeepsEveryUpstreamConnectionItsMaxConnectionsCanUse() async throws {
        // One event loop and 80 requests at once: a loop used to keep at most 64 idle connections to a backend, so
        // the second wave opened 16 new ones. Now it keeps up to the backend's max_connections and reuses them all.
        let backend = try await TestBackend.start("a")
        let loop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let balancer = LoadBalancer(configuration: BalancerHarness.config([backend], maxConnections: 200), group: loop)
        let ports = try await balancer.start()
        func wave() async throws {
            try await withThrowingTaskGroup(of: Int.self) { requests in
                for _ in 0..<80 { requests.addTask { try await TestClient.get(port: ports.proxy, "/slow?ms=1000").status } }
                for try await status in requests { #expect(status == 200) }
            }
        }
        try await wave()
        let first = backend.acceptedCount
        #expect(first == 80, "the first wave's requests should all have been in flight together")
        try await wave()
        #expect(backend.acceptedCount == first)
        await balancer.stop(deadline: .seconds(5))
        await backend.kill()
        try await loop.shutdownGracefully()
    }

    @Test func queuedRequestRunsWhenASlotFrees() async throws {
        let backend = try await TestBackend.start("a")
        let lb = try await BalancerHarness.start(BalancerHarness.config([backend], maxConnections: 1, limits: LimitsConfig(queueSize: 5)))
        let teardown = Teardown { await lb.stop(); await backend.kill() }
        defer { teardown.runIfForgotten() }
        async let slow = TestClient.get(port: lb.ports.proxy, "/slow?ms=1000")
        try await waitForAdmitted(lb.balancer)
        let queued = try await TestClient.get(port: lb.ports.proxy, "/")
        #expect(queued.status == 200)
        #expect(try await slow.status == 200)
        await teardown.run()
    }

    @Test func queueTimeoutAnswers503() async throws {
        let backend = try await TestBackend.start("a")
        let lb = try await BalancerHarness.start(BalancerHarness.config(
            [backend], maxConnections: 1, timeouts: TimeoutsConfig(queue: .milliseconds(100)), limits: LimitsConfig(queueSize: 5)))
        let teardown = Teardown { await lb.stop(); await backend.kill() }
        defer { teardown.runIfForgotten() }
        // Slow enough to still hold the slot when the second request comes, even on a machine busy with the suite.
        async let slow = TestClient.get(port: lb.ports.proxy, "/slow?ms=5000")
        try await waitForAdmitted(lb.balancer)
        let waited = try await TestClient.get(port: lb.ports.proxy, "/")
        #expect(waited.status == 503)
        #expect(waited.body.contains("timed out waiting"))
        _ = try await slow
        await teardown.run()
    }

    @Test func responseTimeoutAnswers504() async throws {
        let backend = try await TestBackend.start("a")
        var config = BalancerHarness.config([backend], timeouts: TimeoutsConfig(response: .milliseconds(200)))
        config.pools[0].retry.attempts = 0
        let lb = try await BalancerHarness.start(config)
        let teardown = Teardown { await lb.stop(); await backend.kill() }
        defer { teardown.runIfForgotten() }
        let r = try await TestClient.get(port: lb.ports.proxy, "/slow?ms=2000")
        #expect(r.status == 504)
        await teardown.run()
    }

    @Test func aBackendKilledMidLoadFailsNoGET() async throws {
        let a = try await TestBackend.start("a")
        let b = try await TestBackend.start("b")
        let lb = try await BalancerHarness.start(BalancerHarness.config([a, b], outlier: OutlierConfig(consecutiveFailures: 2)))
        let teardown = Teardown { await lb.stop(); await b.kill() }
        defer { teardown.runIfForgotten() }
        var statuses: [Int] = []
        for round in 0..<20 {
            if round == 5 { await a.kill() }
            let responses = try await TestClient(port: lb.ports.proxy).send(Array(repeating: (.GET, "/", [], nil), count: 10))
            statuses += responses.map(\.status)
        }
        #expect(statuses.count == 200)
        #expect(statuses.allSatisfy { $0 == 200 })
        #expect(lb.balancer.stats().pools[0].backends[0].state == .ejected)
        await teardown.run()
    }
}
