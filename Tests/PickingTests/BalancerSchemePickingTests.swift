@testable import Picking
import BalancerConfig
import Testing

/// The picking types ConfigCheck uses to simulate HAProxy's and nginx's schemes, and the eligible-set reset of
/// smooth round robin.
@Suite("Other balancers' schemes and round robin's reset")
struct BalancerSchemePickingTests {
    static let three = [PickCandidate(index: 0, weight: 1), PickCandidate(index: 1, weight: 1), PickCandidate(index: 2, weight: 1)]

    @Test func roundRobinRestartsABackendThatLeftAndCameBack() {
        let rr = SmoothWeightedRoundRobin(backendCount: 3)
        // Backend 2 builds up a score, leaves the eligible set, then returns: it must not burst.
        for _ in 0..<5 { _ = rr.pick(from: Self.three, key: nil) }
        for _ in 0..<10 { _ = rr.pick(from: Array(Self.three.prefix(2)), key: nil) }
        let afterReturn = (0..<3).map { _ in rr.pick(from: Self.three, key: nil) }
        #expect(Set(afterReturn) == [0, 1, 2])
        // Out of index order, the same rule holds.
        let reversed = Array(Self.three.reversed())
        let counts = (0..<300).reduce(into: [0, 0, 0]) { counts, _ in counts[rr.pick(from: reversed, key: nil)] += 1 }
        #expect(counts == [100, 100, 100])
    }

    @Test func moduloHashFollowsWeightsOverManyKeysAndKeepsAKeyOnOneBackend() {
        let hash = ModuloHash(seed: 1)
        let weighted = [PickCandidate(index: 0, weight: 3), PickCandidate(index: 1, weight: 1)]
        let counts = (0..<40_000).reduce(into: [0, 0]) { counts, n in counts[hash.pick(from: weighted, key: "client-\(n)")] += 1 }
        #expect(abs(Double(counts[0]) / 40_000 - 0.75) < 0.01)
        let first = hash.pick(from: weighted, key: "10.1.2")
        #expect((0..<20).allSatisfy { _ in hash.pick(from: weighted, key: "10.1.2") == first })
    }

    @Test func ringHashWithFewPointsIsUnevenAndWithManyIsEven() {
        func maxShare(points: Int) -> Double {
            let ring = RingHash(backendNames: ["a", "b", "c"], pointsPerWeight: points, seed: 1)
            let counts = (0..<60_000).reduce(into: [0, 0, 0]) { counts, n in counts[ring.pick(from: Self.three, key: "key-\(n)")] += 1 }
            return Double(counts.max()!) / 60_000
        }
        #expect(maxShare(points: 2) > 0.40)
        #expect(maxShare(points: 1_000) < 0.36)
    }

    @Test func firstAvailableFillsBackendsInOrderUpToTheirLimits() {
        let first = FirstAvailable(limits: [2, 2, nil])
        var picks: [Int] = []
        for _ in 0..<5 {
            let index = first.pick(from: Self.three, key: nil)
            first.requestStarted(index)
            picks.append(index)
        }
        #expect(picks == [0, 0, 1, 1, 2])
        first.requestFinished(0, latency: .milliseconds(1))
        #expect(first.pick(from: Self.three, key: nil) == 0)
    }
}
