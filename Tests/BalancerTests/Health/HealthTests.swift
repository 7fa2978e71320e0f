@testable import Balancer
import BalancerAPI
import BalancerConfig
import EvenkeelTestSupport
import NIOHTTP1
import Synchronization
import Testing

@Suite("Health: active checks, outlier ejection, slow start", .timeLimit(.minutes(1)))
struct HealthTests {
    func pool(_ count: Int, outlier: OutlierConfig = OutlierConfig(), slowStart: Duration = .zero) -> PoolRuntime {
        let backends = (0..<count).map { BackendConfig(name: "b\($0)", address: BackendAddress(host: "10.0.0.\($0 + 1)", port: 80)) }
        return PoolRuntime(
            config: PoolConfig(backends: backends, outlier: outlier, slowStart: slowStart),
            limits: LimitsConfig(), timeouts: TimeoutsConfig(), carryingStateFrom: nil)
    }

    @Test func riseAndFallNeedConsecutiveProbes() {
        let p = pool(1)
        let b = p.backends[0]
        #expect(b.recordProbe(success: false, rise: 2, fall: 3).healthy)
        #expect(b.recordProbe(success: false, rise: 2, fall: 3).healthy)
        #expect(b.recordProbe(success: true, rise: 2, fall: 3).healthy)  // streak broken
        #expect(b.recordProbe(success: false, rise: 2, fall: 3).healthy)
        #expect(b.recordProbe(success: false, rise: 2, fall: 3).healthy)
        #expect(!b.recordProbe(success: false, rise: 2, fall: 3).healthy)
        #expect(b.status() == .down)
        #expect(!b.recordProbe(success: true, rise: 2, fall: 3).healthy)
        #expect(b.recordProbe(success: true, rise: 2, fall: 3).healthy)
        #expect(b.status() == .healthy)
    }

    @Test func consecutiveFailuresEjectForAGrowingTime() {
        let p = pool(4, outlier: OutlierConfig(consecutiveFailures: 3, baseEjectionTime: .seconds(10), maxEjectionPercent: 50))
        let start = ContinuousClock.now
        for _ in 0..<2 { p.recordOutcome(0, failed: true, now: start) }
        p.recordOutcome(0, failed: false, now: start)
        for _ in 0..<2 { p.recordOutcome(0, failed: true, now: start) }
        #expect(p.backends[0].status(now: start) == .healthy)
        p.recordOutcome(0, failed: true, now: start)
        #expect(p.backends[0].status(now: start) == .ejected)
        #expect(p.backends[0].status(now: start + .seconds(9)) == .ejected)
        #expect(p.backends[0].status(now: start + .seconds(11)) == .healthy)
        // Second ejection lasts twice as long.
        let later = start + .seconds(11)
        for _ in 0..<3 { p.recordOutcome(0, failed: true, now: later) }
        #expect(p.backends[0].status(now: later + .seconds(19)) == .ejected)
        #expect(p.backends[0].status(now: later + .seconds(21)) == .healthy)
    }

    @Test func neverEjectsMoreThanTheMaxPercent() {
        let p = pool(4, outlier: OutlierConfig(consecutiveFailures: 1, baseEjectionTime: .seconds(30), maxEjectionPercent: 50))
        let now = ContinuousClock.now
        for i in 0..<4 { p.recordOutcome(i, failed: true, now: now) }
        let ejected = p.backends.filter { $0.status(now: now) == .ejected }.count
        #expect(ejected == 2)
        #expect(p.effectiveWeights(now: now).filter { $0 > 0 }.count == 2)
    }

    @Test func slowStartRampsEffectiveWeight() {
        let p = pool(2, slowStart: .seconds(10))
        let start = ContinuousClock.now
        let b = p.backends[0]
        b.state.withLock { $0.inServiceSince = start }
        #expect(b.effectiveWeight(now: start, slowStart: .seconds(10)) == 0.1)
        #expect(abs(b.effectiveWeight(now: start + .seconds(5), slowStart: .seconds(10)) - 0.5) < 1e-9)
        #expect(b.effectiveWeight(now: start + .seconds(10), slowStart: .seconds(10)) == 1)
    }

    @Test func aBackendBackFromBeingDownIsNoLongerEjectedAndRampsUp() {
        // A restarted replica: its requests fail while it is away (ejected), the checks mark it down, then up again.
        let p = pool(2, outlier: OutlierConfig(consecutiveFailures: 1, baseEjectionTime: .seconds(30), maxEjectionPercent: 50), slowStart: .seconds(10))
        let now = ContinuousClock.now
        let b = p.backends[0]
        b.state.withLock { $0.inServiceSince = now - .seconds(60) }
        p.recordOutcome(0, failed: true, now: now)
        #expect(b.status(now: now) == .ejected)
        b.recordProbe(success: false, rise: 2, fall: 2, now: now + .seconds(1))
        b.recordProbe(success: false, rise: 2, fall: 2, now: now + .seconds(2))
        #expect(b.status(now: now + .seconds(2)) == .down)
        b.recordProbe(success: true, rise: 2, fall: 2, now: now + .seconds(4))
        let effect = b.recordProbe(success: true, rise: 2, fall: 2, now: now + .seconds(5))
        #expect(effect.changed && effect.healthy)
        #expect(b.status(now: now + .seconds(5)) == .healthy, "not ejected for the rest of the 30 s")
        #expect(b.effectiveWeight(now: now + .seconds(5), slowStart: .seconds(10)) == 0.1, "back through slow start")
    }

    @Test func ejectedBackendReentersThroughSlowStart() {
        let p = pool(2, outlier: OutlierConfig(consecutiveFailures: 1, baseEjectionTime: .seconds(10), maxEjectionPercent: 50), slowStart: .seconds(20))
        let now = ContinuousClock.now
        p.backends[0].state.withLock { $0.inServiceSince = now - .seconds(60) }
        p.recordOutcome(0, failed: true, now: now)
        #expect(p.effectiveWeights(now: now + .seconds(5))[0] == 0)
        let back = p.effectiveWeights(now: now + .seconds(15))[0]
        #expect(back > 0 && back < 0.5)
    }

    @Test func activeChecksTakeAFailingBackendOutAndBackIn() async throws {
        let a = try await TestBackend.start("a"), b = try await TestBackend.start("b")
        let health = HealthConfig(enabled: true, path: "/healthz", interval: .milliseconds(250), timeout: .milliseconds(250), rise: 1, fall: 2)
        let lb = try await BalancerHarness.start(BalancerHarness.config([a, b], health: health))
        let teardown = Teardown { await lb.stop(); await a.kill(); await b.kill() }
        defer { teardown.runIfForgotten() }
        a.health.isUp.store(false, ordering: .relaxed)
        while lb.balancer.stats().pools[0].backends[0].state != .down { try await Task.sleep(for: .milliseconds(20)) }
        #expect(lb.balancer.stats().pools[0].backends[0].expectedShare == 0)
        for _ in 0..<6 {
            let r = try await TestClient.get(port: lb.ports.proxy, "/")
            #expect(r.headers["X-Evenkeel-Backend"] != ["a"])
        }
        a.health.isUp.store(true, ordering: .relaxed)
        while lb.balancer.stats().pools[0].backends[0].state != .healthy { try await Task.sleep(for: .milliseconds(20)) }
        #expect(lb.balancer.stats().pools[0].backends[0].expectedShare > 0)
        await teardown.run()
    }
}
