import BalancerAPI
import Foundation
import Testing
@testable import Watch

@Suite struct SignalsTests {
    @Test func quantilesComeFromTheIntervalsBucketsAlone() {
        // Before: 100 fast responses. In the interval: 98 more fast ones and 2 slow ones.
        let earlier: [Double?: Int] = [2: 100]
        let later: [Double?: Int] = [2: 198, 500: 2]
        let q = LatencyQuantiles(from: earlier, to: later)
        #expect(q.count == 100)
        #expect(q.p50 == 2)
        #expect(q.p99 == 500)
        #expect(LatencyQuantiles(from: [:], to: [:]).p99 == 0)
        #expect(LatencyQuantiles(from: [:], to: [nil: 3, 100: 1]).p99 == 100, "the overflow bucket reports the largest bound")
    }

    @Test func anHAPairsCountsAreSummedAndItsExpectationsAveraged() throws {
        func report(_ requests: [Int], state: BackendStatus = .healthy) -> StatsReport {
            StatsReport(
                configHash: "h", generatedAt: Date(),
                pools: [
                    .init(
                        name: "web", algorithm: "round_robin", queueDepth: 1,
                        backends: requests.enumerated().map { i, r in
                            .init(
                                name: "b\(i)", address: "127.0.0.1:\(9000 + i)", state: i == 0 ? state : .healthy, backup: false, weight: 1,
                                effectiveWeight: 1, expectedShare: 0.5, observedShare1m: 0.5, observedShare5m: 0.5, requests: r, inFlight: 1,
                                tunnels: 0, queueDepth: 1, responses1xx: 0, responses2xx: r, responses3xx: 0, responses4xx: 0, responses5xx: 0,
                                connectErrors: 0, retries: 0, latency: .init(p50: 1, p90: 1, p99: 1, max: 1),
                                latencyBuckets: [.init(le: 1, count: r)])
                        })
                ])
        }
        let merged = PoolSample.merge([report([10, 20]), report([30, 40], state: .ejected)])
        let pool = try #require(merged.first)
        #expect(merged.count == 1)
        #expect(pool.backends.map(\.requests) == [40, 60])
        #expect(pool.backends.map(\.expectedShare) == [0.5, 0.5])
        #expect(pool.backends[0].state == .ejected, "the worst state either balancer reports")
        #expect(pool.backends[0].latencyBuckets[1] == 40)
        #expect(pool.queueDepth == 2)
    }

    @Test func aBalancerRestartCountsFromZeroInsteadOfGoingNegative() {
        var before = PoolFixture.even(100)
        before.backends[0].requests = 1000
        let earlier = PoolSample(
            name: "web", algorithm: "rr", queueDepth: 0,
            backends: [PoolSample.Backend(name: "a", state: .healthy, weight: 1, effectiveWeight: 1, expectedShare: 1, backup: false, requests: 1000, errors5xx: 0, connectErrors: 0, responses: 1000, inFlight: 0, latencyBuckets: [5: 1000])],
            configHashes: [])
        let later = PoolSample(
            name: "web", algorithm: "rr", queueDepth: 0,
            backends: [PoolSample.Backend(name: "a", state: .healthy, weight: 1, effectiveWeight: 1, expectedShare: 1, backup: false, requests: 50, errors5xx: 0, connectErrors: 0, responses: 50, inFlight: 0, latencyBuckets: [5: 50])],
            configHashes: [])
        let s = PoolSignals(from: earlier, to: later, seconds: 5, at: Date())
        #expect(s.requests == 50)
        #expect(s.backends[0].responses == 50)
    }
}
