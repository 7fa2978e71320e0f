@testable import Balancer
import BalancerAPI
import BalancerConfig
import EvenkeelTestSupport
import Glibc
import Logging
import NIOCore
import Synchronization
import Testing

@Suite("Balancer log: state changes and failed requests", .timeLimit(.minutes(1)))
struct BalancerLogTests {
    @Test func theThrottleLetsALimitThroughEachSecondAndCountsTheRest() {
        let throttle = LogThrottle(perSecond: 3)
        #expect((0..<5).map { _ in throttle.admit(atSecond: 10) } == [0, 0, 0, nil, nil])
        #expect(throttle.admit(atSecond: 11) == 2, "the first line of the next second counts the two held back")
        #expect(throttle.admit(atSecond: 11) == 0)
    }

    @Test func aConnectFailureIsSaidInAFewWords() {
        #expect(ConnectFailureReason.of(IOError(errnoCode: ECONNREFUSED, reason: "connect"), timeout: .seconds(2)) == "Connection refused")
        #expect(ConnectFailureReason.of(ChannelError.connectTimeout(.seconds(2)), timeout: .milliseconds(2500)) == "timed out after 2500ms")
    }

    /// A pool of two backends ejected after 3 failures in a row, at most half of it at once, logging into a capture.
    static func poolOfTwo() -> (PoolRuntime, CapturedLog) {
        let log = CapturedLog()
        let backends = (0..<2).map { BackendConfig(name: "b\($0)", address: BackendAddress(host: "10.0.0.\($0 + 1)", port: 80)) }
        let outlier = OutlierConfig(consecutiveFailures: 3, baseEjectionTime: .seconds(30), maxEjectionPercent: 50)
        let pool = PoolRuntime(
            config: PoolConfig(name: "web", backends: backends, outlier: outlier), limits: LimitsConfig(), timeouts: TimeoutsConfig(),
            carryingStateFrom: nil, log: BalancerLog(logger: log.logger))
        return (pool, log)
    }

    @Test func anEjectionIsLoggedWithItsCauseAndLength() {
        let (pool, log) = Self.poolOfTwo()
        for _ in 0..<2 { pool.recordOutcome(1, failed: true) }
        #expect(log.all.isEmpty, "two failures are below the threshold")
        pool.recordOutcome(1, failed: true)
        let lines = log.all
        #expect(lines.count == 1)
        #expect(lines.first?.level == .warning)
        #expect(lines.first?.message == "backend ejected for 30s after 3 failed requests in a row (ejection 1)")
        #expect(lines.first?.metadata == ["pool": "web", "backend": "b1"])
    }

    @Test func anEjectionThatMaxEjectionPercentRefusesIsLoggedOncePerStreak() {
        let (pool, log) = Self.poolOfTwo()
        for _ in 0..<3 { pool.recordOutcome(0, failed: true) }
        #expect(pool.backends[0].status() == .ejected)
        for _ in 0..<6 { pool.recordOutcome(1, failed: true) }
        #expect(pool.backends[1].status() == .healthy, "half the pool is out already")
        let refused = log.all.dropFirst()
        #expect(refused.count == 1, "once, not for every failure past the threshold: \(refused.map(\.message))")
        #expect(refused.first?.message == "backend not ejected after 3 failed requests in a row: 1 of 2 backends are ejected already, the most max_ejection_percent 50 allows")
        #expect(refused.first?.metadata == ["pool": "web", "backend": "b1"])
        // A success ends the streak; the next one is reported again.
        pool.recordOutcome(1, failed: false)
        for _ in 0..<3 { pool.recordOutcome(1, failed: true) }
        #expect(log.all.count == 3)
    }

    @Test func aBackendFailingItsChecksIsLoggedDownWithTheReasonAndUpWhenItRecovers() async throws {
        let a = try await TestBackend.start("a"), b = try await TestBackend.start("b")
        // A generous timeout: on a machine busy with the rest of the suite a healthy backend can take longer than
        // half a second to answer, and it must not be the one logged down.
        let health = HealthConfig(enabled: true, path: "/healthz", interval: .milliseconds(100), timeout: .seconds(3), rise: 2, fall: 2)
        let log = CapturedLog()
        let lb = try await BalancerHarness.start(BalancerHarness.config([a, b], health: health), log: log)
        let teardown = Teardown { await lb.stop(); await a.kill(); await b.kill() }
        defer { teardown.runIfForgotten() }
        a.health.isUp.store(false, ordering: .relaxed)
        let down = try await log.waitForLine(containing: "backend down")
        #expect(down.message == "backend down: 2 health check(s) failed in a row, the last: GET /healthz answered 503")
        #expect(down.metadata["backend"] == "a")
        #expect(down.metadata["address"] == "127.0.0.1:\(a.port)")
        a.health.isUp.store(true, ordering: .relaxed)
        let up = try await log.waitForLine(containing: "backend up")
        #expect(up.message == "backend up: 2 health check(s) passed in a row")
        #expect(up.metadata["backend"] == "a")
        #expect(!log.all.contains { $0.metadata["backend"] == "b" }, "the healthy backend is not mentioned")
        await teardown.run()
    }

    @Test func aBackendThatRefusesConnectionsIsLoggedDownAsUnreachable() async throws {
        let dead = try await deadPort()
        // A refused connection is answered at once; the generous timeout only keeps a busy machine from turning it
        // into "no answer".
        let health = HealthConfig(enabled: true, path: "/healthz", interval: .milliseconds(100), timeout: .seconds(3), rise: 1, fall: 1)
        let config = BalancerHarness.config(
            [], health: health, extraBackends: [BackendConfig(name: "gone", address: BackendAddress(host: "127.0.0.1", port: dead))])
        let log = CapturedLog()
        let lb = try await BalancerHarness.start(config, log: log)
        let teardown = Teardown { await lb.stop() }
        defer { teardown.runIfForgotten() }
        let down = try await log.waitForLine(containing: "backend down")
        #expect(down.message == "backend down: 1 health check(s) failed in a row, the last: could not connect: Connection refused")
        await teardown.run()
    }

    @Test func aRequestNoBackendCanServeIsLoggedAndAnsweredWithItsRequestID() async throws {
        let dead = try await deadPort()
        let config = BalancerHarness.config(
            [], retry: RetryConfig(attempts: 0), extraBackends: [BackendConfig(name: "gone", address: BackendAddress(host: "127.0.0.1", port: dead))])
        let log = CapturedLog()
        let lb = try await BalancerHarness.start(config, log: log)
        let teardown = Teardown { await lb.stop() }
        defer { teardown.runIfForgotten() }
        let reply = try await TestClient.raw(port: lb.ports.proxy, "GET /jobs?q=swift HTTP/1.1\r\nhost: x\r\nx-request-id: probe-7\r\nconnection: close\r\n\r\n")
        #expect(reply.hasPrefix("HTTP/1.1 502"))
        #expect(reply.contains("\r\nx-request-id: probe-7\r\n"), "the client gets the id of the log line: \(reply)")
        let line = try await log.waitForLine(containing: "request failed")
        #expect(line.message == "request failed, answered 502: could not connect to backend 'gone': Connection refused")
        #expect(line.metadata["request_id"] == "probe-7")
        #expect(line.metadata["method"] == "GET")
        #expect(line.metadata["target"] == "/jobs?q=swift")
        #expect(line.metadata["pool"] == "web")
        await teardown.run()
    }
}
