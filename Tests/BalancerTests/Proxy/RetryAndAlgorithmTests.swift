import Balancer
import BalancerAPI
import BalancerConfig
import EvenkeelTestSupport
import Foundation
import NIOHTTP1
import Synchronization
import Testing

@Suite("Retries and algorithms through the proxy", .timeLimit(.minutes(1)))
struct RetryAndAlgorithmTests {
    func start(_ names: [String]) async throws -> [TestBackend] {
        var list: [TestBackend] = []
        for n in names { list.append(try await TestBackend.start(n)) }
        return list
    }

    @Test func idempotentRequestIsRetriedOnEachBackendAtMostOnce() async throws {
        let backends = try await start(["a", "b", "c"])
        let lb = try await BalancerHarness.start(BalancerHarness.config(backends, retry: RetryConfig(attempts: 5, budgetPercent: 100)))
        let teardown = Teardown { await lb.stop(); for b in backends { await b.kill() } }
        defer { teardown.runIfForgotten() }
        let r = try await TestClient.get(port: lb.ports.proxy, "/drop")
        #expect(r.status == 502)
        // Three backends, so at most three attempts even though five retries were allowed.
        #expect(backends.map { $0.requestCount } == [1, 1, 1])
        #expect(lb.balancer.stats().pools[0].backends.map(\.retries).reduce(0, +) == 2)
        await teardown.run()
    }

    @Test func nonIdempotentRequestIsNotRetriedAfterItWasSent() async throws {
        let backends = try await start(["a", "b"])
        let lb = try await BalancerHarness.start(BalancerHarness.config(backends))
        let teardown = Teardown { await lb.stop(); for b in backends { await b.kill() } }
        defer { teardown.runIfForgotten() }
        let r = try await TestClient(port: lb.ports.proxy).send([(.POST, "/drop", [], "payload")])[0]
        #expect(r.status == 502)
        #expect(backends.map { $0.requestCount }.reduce(0, +) == 1)
        await teardown.run()
    }

    @Test func retryBudgetLimitsExtraRequests() async throws {
        let backends = try await start(["a", "b"])
        let lb = try await BalancerHarness.start(BalancerHarness.config(backends, retry: RetryConfig(attempts: 1, budgetPercent: 0)))
        let teardown = Teardown { await lb.stop(); for b in backends { await b.kill() } }
        defer { teardown.runIfForgotten() }
        // With a 0% budget only the initial allowance of 10 retry tokens is available.
        var total = 0
        for _ in 0..<15 {
            _ = try await TestClient.get(port: lb.ports.proxy, "/drop")
            total = backends.map { $0.requestCount }.reduce(0, +)
        }
        #expect(total == 15 + 10)
        await teardown.run()
    }

    @Test func headRequestsGetNoBody() async throws {
        let backends = try await start(["a"])
        let lb = try await BalancerHarness.start(BalancerHarness.config(backends))
        let teardown = Teardown { await lb.stop(); for b in backends { await b.kill() } }
        defer { teardown.runIfForgotten() }
        let responses = try await TestClient(port: lb.ports.proxy).send([(.HEAD, "/", [], nil), (.GET, "/", [], nil)])
        #expect(responses[0].status == 200)
        #expect(responses[0].body == "")
        #expect(responses[1].body == "a")
        await teardown.run()
    }

    /// Sends `request` as raw bytes through a balancer in front of one backend, `a`; returns what came back and the
    /// port of the balancer's proxy listener.
    func rawThroughOneBackend(_ request: String) async throws -> (reply: String, proxyPort: Int) {
        let backends = try await start(["a"])
        let lb = try await BalancerHarness.start(BalancerHarness.config(backends))
        let teardown = Teardown { await lb.stop(); for b in backends { await b.kill() } }
        defer { teardown.runIfForgotten() }
        let result = (try await TestClient.raw(port: lb.ports.proxy, request), lb.ports.proxy)
        await teardown.run()
        return result
    }

    @Test func http10ClientGetsItsResponseAndAClose() async throws {
        let (reply, proxyPort) = try await rawThroughOneBackend("GET / HTTP/1.0\r\n\r\n")
        #expect(reply.hasPrefix("HTTP/1.0 200"))
        #expect(reply.hasSuffix("a"))
        // Sent on as HTTP/1.1, which needs a Host: the address the client reached.
        #expect(reply.contains("\r\nx-req-host: 127.0.0.1:\(proxyPort)\r\n"))
    }

    @Test func anAbsoluteFormRequestReachesTheBackendInOriginFormWithItsHost() async throws {
        let (reply, _) = try await rawThroughOneBackend(
            "GET http://jobs.example:8080/status/201?x=1 HTTP/1.1\r\nHost: other\r\nConnection: close\r\n\r\n")
        #expect(reply.hasPrefix("HTTP/1.1 201"))
        #expect(reply.contains("\r\nx-uri: /status/201?x=1\r\n"))
        #expect(reply.contains("\r\nx-req-host: jobs.example:8080\r\n") && !reply.contains("other"))
    }

    @Test func http10ClientThatAsksForKeepAliveKeepsItsConnection() async throws {
        // Two requests on one connection: the first asks to keep it, the second does not, so the proxy closes after
        // the second answer (and the read ends).
        let (reply, _) = try await rawThroughOneBackend("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n")
        let answers = reply.components(separatedBy: "HTTP/1.0 200 OK\r\n").dropFirst()
        #expect(answers.count == 2)
        #expect(answers.first?.contains("\r\nconnection: keep-alive\r\n") == true)
        #expect(answers.last?.contains("\r\nconnection: close\r\n") == true)
    }

    @Test func requestFieldsWithUnderscoredNamesAreDroppedUnlessConfigured() async throws {
        let backends = try await start(["a"])
        let request = "GET / HTTP/1.1\r\nHost: x\r\nX_Forwarded_For: 6.6.6.6\r\nMy-Header: 1\r\nConnection: close\r\n\r\n"
        let lb = try await BalancerHarness.start(BalancerHarness.config(backends))
        let dropped = try await TestClient.raw(port: lb.ports.proxy, request)
        await lb.stop()
        let passing = try await BalancerHarness.start(BalancerHarness.config(backends, limits: LimitsConfig(underscoresInHeaders: true)))
        let kept = try await TestClient.raw(port: passing.ports.proxy, request)
        await passing.stop()
        for b in backends { await b.kill() }
        #expect(dropped.hasPrefix("HTTP/1.1 200") && dropped.contains("\r\nx-req-my-header: 1\r\n"))
        #expect(!dropped.contains("6.6.6.6"))
        #expect(kept.contains("\r\nx-req-x_forwarded_for: 6.6.6.6\r\n"))
    }

    @Test func leastConnectionsAvoidsTheBusyBackend() async throws {
        let backends = try await start(["a", "b"])
        let lb = try await BalancerHarness.start(BalancerHarness.config(backends, algorithm: .leastConnections))
        let teardown = Teardown { await lb.stop(); for b in backends { await b.kill() } }
        defer { teardown.runIfForgotten() }
        // Slow enough that the five requests after it finish first even on a machine busy with the rest of the suite.
        async let slow = TestClient.get(port: lb.ports.proxy, "/slow?ms=8000")
        try await waitForAdmitted(lb.balancer)
        // The backend that admitted it (its request count only grows, unlike in-flight, which a finish could reset).
        let busy = try #require(lb.balancer.stats().pools[0].backends.first { $0.requests == 1 }).name
        let responses = try await TestClient(port: lb.ports.proxy).send(Array(repeating: (.GET, "/", [], nil), count: 5))
        #expect(responses.allSatisfy { $0.headers["X-Evenkeel-Backend"] != [busy] })
        _ = try await slow
        await teardown.run()
    }

    @Test func consistentHashOnAHeaderPinsEachKeyToOneBackend() async throws {
        let backends = try await start(["a", "b", "c"])
        let lb = try await BalancerHarness.start(BalancerHarness.config(backends, algorithm: .consistentHash(key: .header("X-User"), boundedLoad: nil)))
        let teardown = Teardown { await lb.stop(); for b in backends { await b.kill() } }
        defer { teardown.runIfForgotten() }
        var seen: [String: Set<String>] = [:]
        for user in 0..<30 {
            let responses = try await TestClient(port: lb.ports.proxy).send(Array(repeating: (.GET, "/", [("x-user", "user-\(user)")], nil), count: 3))
            for r in responses { seen["user-\(user)", default: []].insert(r.headers["X-Evenkeel-Backend"].first ?? "?") }
        }
        #expect(seen.values.allSatisfy { $0.count == 1 })
        #expect(Set(seen.values.flatMap { $0 }).count == 3)
        await teardown.run()
    }

    @Test func consistentHashOnACookiePinsTheSession() async throws {
        let backends = try await start(["a", "b", "c"])
        let lb = try await BalancerHarness.start(BalancerHarness.config(backends, algorithm: .consistentHash(key: .cookie("sid"), boundedLoad: nil)))
        let teardown = Teardown { await lb.stop(); for b in backends { await b.kill() } }
        defer { teardown.runIfForgotten() }
        for session in 0..<10 {
            let responses = try await TestClient(port: lb.ports.proxy).send(Array(repeating: (.GET, "/", [("cookie", "theme=dark; sid=s\(session)")], nil), count: 4))
            #expect(Set(responses.map { $0.headers["X-Evenkeel-Backend"].first ?? "?" }).count == 1)
        }
        await teardown.run()
    }

    @Test func randomServesInProportionToWeight() async throws {
        let backends = try await start(["a", "b"])
        let lb = try await BalancerHarness.start(BalancerHarness.config(backends, weights: [1, 3], algorithm: .random))
        let teardown = Teardown { await lb.stop(); for b in backends { await b.kill() } }
        defer { teardown.runIfForgotten() }
        let responses = try await TestClient(port: lb.ports.proxy).send(Array(repeating: (.GET, "/", [], nil), count: 400))
        #expect(responses.allSatisfy { $0.status == 200 })
        let counts = backends.map { $0.requestCount }
        #expect(counts[0] > 50 && counts[0] < 150, "\(counts)")
        await teardown.run()
    }

    @Test func p2cSpreadsConcurrentLoad() async throws {
        let backends = try await start(["a", "b"])
        let lb = try await BalancerHarness.start(BalancerHarness.config(backends, algorithm: .p2cEWMA))
        let teardown = Teardown { await lb.stop(); for b in backends { await b.kill() } }
        defer { teardown.runIfForgotten() }
        let port = lb.ports.proxy
        let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask { try await TestClient(port: port).send(Array(repeating: (.GET, "/slow?ms=5", [], nil), count: 25)).map(\.status) }
            }
            var all: [Int] = []
            for try await part in group { all += part }
            return all
        }
        #expect(statuses.count == 100 && statuses.allSatisfy { $0 == 200 })
        #expect(backends.allSatisfy { $0.requestCount > 0 })
        await teardown.run()
    }

    @Test func clientConnectionsBeyondTheLimitAreRefused() async throws {
        let backends = try await start(["a"])
        let lb = try await BalancerHarness.start(BalancerHarness.config(backends, limits: LimitsConfig(maxClientConnections: 1)))
        let teardown = Teardown { await lb.stop(); for b in backends { await b.kill() } }
        defer { teardown.runIfForgotten() }
        async let holder = TestClient.get(port: lb.ports.proxy, "/slow?ms=400")
        try await waitForAdmitted(lb.balancer)
        // The extra connection is closed at once: either an empty read or a reset, never a response.
        let second = try? await TestClient.raw(port: lb.ports.proxy, "GET / HTTP/1.1\r\nhost: x\r\n\r\n")
        #expect(second == nil || second == "")
        #expect(try await holder.status == 200)
        await teardown.run()
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let backends = try await start(["a"])
        let lb = try await BalancerHarness.start(BalancerHarness.config(backends))
        let teardown = Teardown { await lb.stop(); for b in backends { await b.kill() } }
        defer { teardown.runIfForgotten() }
        let reply = try await TestClient.raw(
            port: lb.ports.proxy,
            "GET /slow?ms=50 HTTP/1.1\r\nhost: x\r\nx-request-id: first\r\n\r\n"
                + "POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 6\r\n\r\nsecond"
                + "GET / HTTP/1.1\r\nhost: x\r\nx-request-id: third\r\nconnection: close\r\n\r\n")
        let first = try #require(reply.range(of: "x-req-x-request-id: first"))
        let second = try #require(reply.range(of: "\r\n\r\nsecond"))
        let third = try #require(reply.range(of: "x-req-x-request-id: third"))
        #expect(first.lowerBound < second.lowerBound && second.lowerBound < third.lowerBound)
        #expect(reply.components(separatedBy: "HTTP/1.1 200 OK").count == 4)
        await teardown.run()
    }
}
