@testable import Balancer
import Picking
import BalancerConfig
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

/// Admission keeps its candidates from one request to the next; these tests change a backend's standing, load or
/// the time between two requests and check that the very next request sees it.
@Suite("Admission: kept candidates follow every change", .timeLimit(.minutes(1)))
struct AdmissionTests {
    let loop = EmbeddedEventLoop()

    func pool(
        _ count: Int, maxConnections: [Int] = [], outlier: OutlierConfig = OutlierConfig(), slowStart: Duration = .zero
    ) -> PoolRuntime {
        let backends = (0..<count).map {
            BackendConfig(
                name: "b\($0)", address: BackendAddress(host: "10.0.0.\($0 + 1)", port: 80),
                maxConnections: $0 < maxConnections.count ? maxConnections[$0] : BackendConfig.defaultMaxConnections)
        }
        return PoolRuntime(
            config: PoolConfig(backends: backends, outlier: outlier, slowStart: slowStart),
            limits: LimitsConfig(), timeouts: TimeoutsConfig(), carryingStateFrom: nil)
    }

    /// Admits a request and returns its backend, or nil when it was refused or queued.
    func admit(_ p: PoolRuntime, excluding: Set<Int> = []) -> Int? {
        guard case .decided(.success(let index)) = p.acquireNow(key: nil, excluding: excluding, orQueueOn: loop) else { return nil }
        return index
    }

    /// The backends of `count` requests, each finished before the next.
    func picks(_ p: PoolRuntime, _ count: Int) -> Set<Int> {
        Set((0..<count).compactMap { _ in
            let index = admit(p)
            if let index { p.finish(index, status: 200, latency: .milliseconds(1)) }
            return index
        })
    }

    @Test func aDrainOrAFailedHealthCheckTakesEffectOnTheNextRequest() {
        let p = pool(3)
        #expect(picks(p, 6) == [0, 1, 2])
        p.backends[1].setDraining(true)
        #expect(picks(p, 6) == [0, 2])
        p.backends[2].recordProbe(success: false, rise: 1, fall: 1)
        #expect(picks(p, 6) == [0])
        p.backends[1].setDraining(false)
        p.backends[2].recordProbe(success: true, rise: 1, fall: 1)
        #expect(picks(p, 6) == [0, 1, 2])
    }

    @Test func anEjectedBackendComesBackWhenItsEjectionEndsWithNothingElseChanging() async throws {
        let p = pool(2, outlier: OutlierConfig(consecutiveFailures: 1, baseEjectionTime: .milliseconds(300), maxEjectionPercent: 50))
        #expect(picks(p, 4) == [0, 1])
        p.recordOutcome(0, failed: true)
        #expect(picks(p, 4) == [1])
        try await Task.sleep(for: .milliseconds(400))
        #expect(picks(p, 4) == [0, 1])
    }

    @Test func aBackendAtItsLimitIsSkippedUntilOneOfItsRequestsEnds() {
        let p = pool(2, maxConnections: [1, 100])
        let first = admit(p)
        #expect(first == 0)
        // Backend 0 is full: every request goes to 1 while it is, none is refused.
        let held = (0..<5).map { _ in admit(p) }
        #expect(held == Array(repeating: 1, count: 5))
        p.finish(0, status: 200, latency: .milliseconds(1))
        #expect(picks(p, 4).contains(0))
        // With both full the next request queues.
        let p2 = pool(2, maxConnections: [1, 1])
        #expect(admit(p2) != nil && admit(p2) != nil)
        guard case .queued = p2.acquireNow(key: nil, excluding: [], orQueueOn: loop) else {
            Issue.record("a third request should wait for a slot")
            return
        }
    }

    @Test func aRetryLeavesOutTheBackendsItTriedAndFallsBackToBackups() {
        let backends = [
            BackendConfig(name: "primary", address: BackendAddress(host: "10.0.0.1", port: 80)),
            BackendConfig(name: "spare", address: BackendAddress(host: "10.0.0.2", port: 80), backup: true),
        ]
        let p = PoolRuntime(
            config: PoolConfig(backends: backends), limits: LimitsConfig(), timeouts: TimeoutsConfig(), carryingStateFrom: nil)
        #expect(picks(p, 3) == [0])
        #expect(admit(p, excluding: [0]) == 1)
        // The kept candidates are unchanged by the retry.
        #expect(picks(p, 3) == [0])
    }

    @Test func keptCandidatesExpireWithAnEjectionAndEveryInstantOfASlowStartRamp() {
        let p = pool(2, outlier: OutlierConfig(consecutiveFailures: 1, baseEjectionTime: .seconds(10), maxEjectionPercent: 50), slowStart: .seconds(20))
        let now = ContinuousClock.now
        for b in p.backends { b.state.withLock { $0.inServiceSince = now - .seconds(60) } }
        var kept = EligibleCandidates()
        kept.recompute(changes: 0, now: now, backends: p.backends, picker: p.picker, slowStart: .seconds(20))
        #expect(kept.candidates.map(\.index) == [0, 1])
        #expect(kept.areCurrent(changes: 0, now: now + .seconds(3600)))
        #expect(!kept.areCurrent(changes: 1, now: now))

        p.recordOutcome(0, failed: true, now: now)
        let changes = p.standingChanges.current
        #expect(changes == 1)
        kept.recompute(changes: changes, now: now, backends: p.backends, picker: p.picker, slowStart: .seconds(20))
        #expect(kept.candidates.map(\.index) == [1])
        #expect(kept.areCurrent(changes: changes, now: now + .seconds(9)))
        #expect(!kept.areCurrent(changes: changes, now: now + .seconds(10)))

        // Back through slow start: its weight moves with every instant, so nothing is kept while it ramps.
        kept.recompute(changes: changes, now: now + .seconds(15), backends: p.backends, picker: p.picker, slowStart: .seconds(20))
        #expect(kept.candidates.map(\.index) == [0, 1])
        #expect(!kept.areCurrent(changes: changes, now: now + .seconds(15) + .nanoseconds(1)))
        kept.recompute(changes: changes, now: now + .seconds(31), backends: p.backends, picker: p.picker, slowStart: .seconds(20))
        #expect(kept.areCurrent(changes: changes, now: now + .seconds(3600)))
    }
}
