import EvenkeelTestSupport
import Foundation
import LoadGen
import Testing

/// Load tests against a real HTTP server on 127.0.0.1. Bounds are loose enough for a loaded 2-core machine
/// yet each assertion fails if the behaviour it names is missing.
@Suite("Load generation against a real local server")
struct LoadRunTests {
    /// Whether the generator said it could not keep its schedule (the summary's warning: send lag p99 over 10 ms).
    ///
    /// A second's count can only miss its target by 10% (20 of 200 requests) if at least 18 requests were sent 10 ms
    /// or more late — the k-th request before a second's end must be k × 5 ms late to cross it — which is over 1% of
    /// the test's requests, so the lag p99 shows it. On a quiet machine the counts hold; on a CPU-starved one (a busy
    /// CI run) the generator must say so instead of passing for a slow server. Either way the test can fail.
    static func reportedItFellBehind(_ report: LoadReport) -> Bool { report.sendLagP99 > LoadReport.sendLagWarning }

    @Test(.timeLimit(.minutes(1)))
    func openModelHoldsTheTargetRateEverySecond() async throws {
        let server = try await StubServer.start()
        let report = await LoadTest(
            host: "127.0.0.1", port: server.port, mix: .single(path: "/"), model: .open(.constant(rate: 200)), duration: 2,
            connections: 16
        ).run()
        await server.stop()
        // 2 s at 200 requests/s is exactly 400 requests on schedule, about 200 sent in each second.
        #expect(report.scheduled == 400)
        #expect(report.requests == 400)
        #expect(report.perSecond.prefix(2).map(\.target) == [200, 200])
        let held = report.perSecond.prefix(2).allSatisfy { (180...220).contains($0.sent) }
        #expect(held || Self.reportedItFellBehind(report), "sent \(report.perSecond.map(\.sent)) with send lag p99 \(report.sendLagP99) ms")
        #expect(report.errorRate == 0)
    }

    /// One connection against a server that holds every answer from 1 s to 2 s after it starts, for 6 s: five
    /// seconds of fast answers, so that even a CPU-starved run (a CI machine measured under 50 requests a second)
    /// has the samples p99 needs.
    static func closedRunAgainstAStall() async throws -> LoadReport {
        let server = try await StubServer.start(stall: (after: .seconds(1), length: .seconds(1)))
        let report = await LoadTest(
            host: "127.0.0.1", port: server.port, mix: .single(path: "/"), model: .closed(connections: 1), duration: 6
        ).run()
        await server.stop()
        return report
    }

    @Test(.timeLimit(.minutes(1)))
    func aOneSecondStallShowsInTheOpenModelsP99ButTheClosedModelHidesIt() async throws {
        // The server holds every answer from 1 s to 2 s after it starts.
        let openServer = try await StubServer.start(stall: (after: .seconds(1), length: .seconds(1)))
        // Enough connections for every request due during the stall, so what is measured is the stall itself,
        // not a queue for connections behind it.
        let open = await LoadTest(
            host: "127.0.0.1", port: openServer.port, mix: .single(path: "/"), model: .open(.constant(rate: 100)), duration: 3,
            connections: 200
        ).run()
        await openServer.stop()

        // One connection sends one request at a time, so its count depends on the CPU it gets: on a machine saturated by
        // the rest of the suite it can fall below the samples p99 needs. The run is then measured again (at most three
        // times); the assertions below are the same for every run.
        var closed = try await Self.closedRunAgainstAStall()
        for _ in 0..<2 where closed.requests <= 200 { closed = try await Self.closedRunAgainstAStall() }

        // Open: a third of the requests were due during the stall; measured from their intended send times they
        // waited up to a second, so p99 is close to 1 s while the median stays fast.
        #expect(open.latency.p99 >= 700, "open p99 \(open.latency.p99) ms")
        // The median stays fast, unless the generator itself was starved of CPU, which it must then report.
        #expect(open.latency.p50 < 300 || Self.reportedItFellBehind(open), "open p50 \(open.latency.p50) ms, send lag p99 \(open.sendLagP99) ms")
        // Closed: the one connection waited once; every other request was fast, so the stall is one sample of
        // hundreds or thousands and p99 does not see it (coordinated omission).
        try #require(closed.requests > 200, "the closed model sent too few requests (\(closed.requests)) to judge")
        #expect(closed.latency.max >= 700, "the closed model did meet the stall once: max \(closed.latency.max) ms")
        #expect(closed.latency.p99 < 200, "closed p99 \(closed.latency.p99) ms")
        #expect(open.latency.p99 > 3 * closed.latency.p99)
    }

    @Test(.timeLimit(.minutes(1)))
    func aSpikeIsSentWithItsShapeSecondBySecond() async throws {
        let server = try await StubServer.start()
        let report = await LoadTest(
            host: "127.0.0.1", port: server.port, mix: .single(path: "/"),
            model: .open(.spike(base: 50, factor: 4, start: 1, length: 1)), duration: 3, connections: 32
        ).run()
        await server.stop()
        let seconds = Array(report.perSecond.prefix(3))
        #expect(seconds.map(\.target) == [50, 200, 50])
        // Achieved: what was actually sent in each second, on a real server.
        let held = (42...58).contains(seconds[0].sent) && (180...220).contains(seconds[1].sent) && (42...58).contains(seconds[2].sent)
        #expect(held || Self.reportedItFellBehind(report), "sent \(seconds.map(\.sent)) with send lag p99 \(report.sendLagP99) ms")
        // Every request of the schedule was sent and answered. Not counted per second: `completed` is when answers
        // arrived, and on a starved machine (CI builds and tests in parallel) the last ones arrive after second 3.
        #expect(report.scheduled == 300)
        #expect(report.requests == 300)
        #expect(report.statuses["200"] == 300)
    }

    @Test(.timeLimit(.minutes(1)))
    func theClosedModelStopsAtTheRequestCount() async throws {
        let server = try await StubServer.start()
        let report = await LoadTest(
            host: "127.0.0.1", port: server.port, mix: .single(path: "/"), model: .closed(connections: 4), duration: 30,
            maxRequests: 300
        ).run()
        await server.stop()
        #expect(report.requests == 300)
        #expect(report.statuses["200"] == 300)
        // Stopped by the count, well before the 30 s the duration allows (on a machine busy with the rest of the
        // suite 300 requests can take several seconds).
        #expect(report.durationSeconds < 25)
    }

    @Test(.timeLimit(.minutes(2)))
    func chunkedResponsesAreReadToTheirEndInBothModels() async throws {
        let server = try await StubServer.start(backends: ["a", "b"], chunked: true)
        // Bounded by the count; the duration is only a backstop for a machine busy with the rest of the suite.
        let closed = await LoadTest(
            host: "127.0.0.1", port: server.port, mix: .single(path: "/"), model: .closed(connections: 2), duration: 60, maxRequests: 200
        ).run()
        let open = await LoadTest(
            host: "127.0.0.1", port: server.port, mix: .single(path: "/"), model: .open(.constant(rate: 100)), duration: 1, connections: 4
        ).run()
        await server.stop()
        #expect(closed.statuses == ["200": 200])
        #expect(closed.backends.map(\.responses) == [100, 100])
        #expect(open.statuses == ["200": 100])
        #expect(open.failures.isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func backendsAreCountedFromTheResponseHeader() async throws {
        let server = try await StubServer.start(backends: ["a", "a", "b"])
        let report = await LoadTest(
            host: "127.0.0.1", port: server.port, mix: .single(path: "/"), model: .closed(connections: 1), duration: 40,
            maxRequests: 300, expectedWeights: ["a": 1, "b": 1]
        ).run()
        await server.stop()
        #expect(report.backends.map(\.name) == ["a", "b"])
        #expect(report.backends.map(\.responses) == [200, 100])
        #expect(report.backends.map(\.intendedShare) == [0.5, 0.5])
        let ratio = try #require(report.maxShareRatio)
        #expect(abs(ratio - 4.0 / 3) < 1e-9)
        // Jain over observed/intended (4/3, 2/3): 2² / (2 × (16/9 + 4/9)) = 0.9.
        #expect(abs(try #require(report.jainIndex) - 0.9) < 1e-9)
    }

    @Test(.timeLimit(.minutes(1)))
    func errorsAreCountedByKindEachSecond() async throws {
        let server = try await StubServer.start(failEvery: 4)
        let report = await LoadTest(
            host: "127.0.0.1", port: server.port, mix: .single(path: "/"), model: .open(.constant(rate: 100)), duration: 2,
            connections: 1
        ).run()
        await server.stop()
        // One connection, so the server numbers the requests in order: every 4th is a 503.
        #expect(report.statuses == ["200": 150, "503": 50])
        #expect(report.errorRate == 0.25)
        let seconds = report.perSecond.prefix(2)
        #expect(seconds.map { $0.statusClasses["5xx"] ?? 0 }.reduce(0, +) == 50)
        #expect(seconds.map(\.errors).reduce(0, +) == 50)
        #expect(seconds.allSatisfy { $0.failures.isEmpty })
    }

    @Test(.timeLimit(.minutes(1)))
    func requestsWithoutAnAnswerTimeOutInBothModels() async throws {
        // The server holds every answer for a minute; the tests give up on each request after 1 s (closed) and
        // 0.3 s (open).
        let server = try await StubServer.start(stall: (after: .zero, length: .seconds(60)))
        // Bounded by the count, not by a one-second window a busy machine can let pass before the loops run. The
        // timeout, which bounds the connect too, is a full second: at 0.3 s a starved run once had three of its four
        // connects time out before the loop saw them complete, and this part is about answers that never come.
        let closed = await LoadTest(
            host: "127.0.0.1", port: server.port, mix: .single(path: "/"), model: .closed(connections: 2), duration: 30, maxRequests: 4,
            timeout: 1
        ).run()
        let open = await LoadTest(
            host: "127.0.0.1", port: server.port, mix: .single(path: "/"), model: .open(.constant(rate: 20)), duration: 1,
            connections: 4, timeout: 0.3
        ).run()
        await server.stop()
        // Closed: each connection waits 1 s, times out, reconnects, until the four requests are spent.
        #expect(closed.failures.values.reduce(0, +) == 4, "closed failures: \(closed.failures)")
        #expect((closed.failures["timeout"] ?? 0) >= 2, "answers that never came, not connects that failed: \(closed.failures)")
        #expect(closed.statuses.isEmpty)
        #expect(closed.errorRate == 1)
        // Open: every one of the 20 scheduled requests fails for want of an answer within 0.3 s: a timeout, or, on a
        // machine busy enough that the stub server accepts late, a connect that timed out (the same 0.3 s).
        #expect(open.failures.values.reduce(0, +) == 20, "open failures: \(open.failures)")
        #expect(Set(open.failures.keys).isSubset(of: ["timeout", "connect"]), "open failures: \(open.failures)")
        #expect((open.failures["timeout"] ?? 0) >= 10, "most are answers that never came: \(open.failures)")
        #expect(open.perSecond.first?.failures.values.reduce(0, +) == 20, "per second: \(open.perSecond.map(\.failures))")
    }

    @Test(.timeLimit(.minutes(1)))
    func responsesTheBalancerWouldRefuseAreCountedAsMalformedInBothModels() async throws {
        let server = try await StubServer.start(malformed: true)
        let closed = await LoadTest(
            host: "127.0.0.1", port: server.port, mix: .single(path: "/"), model: .closed(connections: 2), duration: 30, maxRequests: 10,
            timeout: 2
        ).run()
        let open = await LoadTest(
            host: "127.0.0.1", port: server.port, mix: .single(path: "/"), model: .open(.constant(rate: 20)), duration: 1, connections: 2,
            timeout: 2
        ).run()
        await server.stop()
        #expect(closed.failures.keys.sorted() == ["malformed"], "closed failures: \(closed.failures)")
        #expect(closed.statuses.isEmpty)
        #expect(open.failures == ["malformed": 20], "open failures: \(open.failures)")
        #expect(open.statuses.isEmpty)
        // Each report says what was wrong, and the summary shows it.
        let fault = "malformed response: header line 2 is not 'name: value' (or is folded)"
        #expect(closed.failureExamples == ["malformed": fault])
        #expect(open.failureExamples == ["malformed": fault])
        #expect(SummaryText.render(open).contains("  first malformed: \(fault)"))
        #expect(HTMLReport.render(open, target: "stub").contains("malformed (no response, first: \(fault))"))
    }

    @Test(.timeLimit(.minutes(1)))
    func refusedConnectionsAreCountedAsConnectErrors() async throws {
        // Port 1: nothing listens there, and no test server can take it (they bind ephemeral ports), unlike the
        // port of a server just stopped, which a test running alongside may be given.
        let report = await LoadTest(
            host: "127.0.0.1", port: 1, mix: .single(path: "/"), model: .open(.constant(rate: 50)), duration: 1, connections: 2,
            timeout: 1
        ).run()
        #expect(report.requests == 50)
        #expect(report.failures == ["connect": 50])
        #expect(report.errorRate == 1)
        #expect(report.perSecond.first?.failures["connect"] == 50)
    }
}
