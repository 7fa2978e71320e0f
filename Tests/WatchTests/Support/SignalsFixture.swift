import BalancerAPI
import Foundation
@testable import Watch

/// Builds pool samples and signals by hand: a pool of named backends with request counts, errors and latency per
/// window, as two cumulative samples five seconds apart would give them.
struct PoolFixture {
    struct Backend {
        var name: String
        var requests: Int
        var weight = 1
        var expectedShare: Double? = nil
        var errors = 0
        var latencyMs = 5.0
        var state: BackendStatus = .healthy
    }

    var pool = "web"
    var backends: [Backend]
    var seconds = 5.0

    /// The signals of one window in which each backend got its `requests`, answered in `latencyMs`.
    func signals(at: Date = Date()) -> PoolSignals {
        let weights = backends.filter { $0.state == .healthy }.reduce(0) { $0 + $1.weight }
        let earlier = PoolSample(
            name: pool, algorithm: "round_robin", queueDepth: 0,
            backends: backends.map { b in sample(b, requests: 0, errors: 0, latency: [:], weights: weights) }, configHashes: ["a"])
        let later = PoolSample(
            name: pool, algorithm: "round_robin", queueDepth: 0,
            backends: backends.map { b in
                sample(b, requests: b.requests, errors: b.errors, latency: b.requests > 0 ? [Self.bucket(b.latencyMs): b.requests] : [:], weights: weights)
            }, configHashes: ["a"])
        return PoolSignals(from: earlier, to: later, seconds: seconds, at: at)
    }

    private func sample(_ b: Backend, requests: Int, errors: Int, latency: [Double?: Int], weights: Int) -> PoolSample.Backend {
        PoolSample.Backend(
            name: b.name, state: b.state, weight: b.weight, effectiveWeight: Double(b.weight),
            expectedShare: b.expectedShare ?? (b.state == .healthy && weights > 0 ? Double(b.weight) / Double(weights) : 0), backup: false,
            requests: requests, errors5xx: errors, connectErrors: 0, responses: requests, inFlight: 0, latencyBuckets: latency)
    }

    /// The latency bucket a value falls in (any bound at or above it will do for these tests).
    static func bucket(_ ms: Double) -> Double { ms }

    /// A baseline learnt from `count` windows of `fixture`'s traffic, with the rate wandering ±`wander`.
    static func baseline(_ fixture: PoolFixture, count: Int = 60, wander: Double = 0.3) -> PoolBaseline {
        var baseline = PoolBaseline(capacity: 600, warmUp: 20)
        for i in 0..<count {
            var varied = fixture
            let factor = 1 + wander * sin(Double(i) * 0.7)
            for j in varied.backends.indices { varied.backends[j].requests = Int((Double(fixture.backends[j].requests) * factor).rounded()) }
            baseline.learn(varied.signals())
        }
        return baseline
    }

    static func even(_ perBackend: Int, latencyMs: Double = 5) -> PoolFixture {
        PoolFixture(backends: ["a", "b", "c"].map { Backend(name: $0, requests: perBackend, latencyMs: latencyMs) })
    }
}
