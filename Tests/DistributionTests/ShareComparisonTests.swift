import BalancerConfig
import Distribution
import Picking
import Testing

@Suite struct ShareComparisonTests {
    @Test func anEvenSplitHasRatioOneAndJainOne() throws {
        let c = ShareComparison(counts: ["a": 100, "b": 100, "c": 100], intended: .even(["a", "b", "c"]))
        #expect(c.total == 300)
        #expect(c.entries.map(\.name) == ["a", "b", "c"])
        let ratio = try #require(c.maxRatio)
        #expect(abs(ratio - 1) < 1e-9)
        let jain = try #require(c.jainIndex)
        #expect(abs(jain - 1) < 1e-9)
        #expect(c.chiSquare == 0)
        #expect(c.unexpected.isEmpty && c.silent.isEmpty)
    }

    @Test func everythingOnOneOfThreeGivesRatioThreeAndJainOneThird() throws {
        let c = ShareComparison(counts: ["b": 90], intended: .even(["a", "b", "c"]))
        #expect(abs(try #require(c.maxRatio) - 3) < 1e-9)
        #expect(abs(try #require(c.jainIndex) - 1.0 / 3) < 1e-9)
        #expect(c.worst?.name == "b")
        #expect(c.silent.map(\.name) == ["a", "c"])
        #expect(try #require(c.pValue) < 1e-10)
    }

    @Test func aBackendMeantToGetNothingHasNoRatioAndItsTrafficIsUnexpected() throws {
        let c = ShareComparison(counts: ["a": 50, "spare": 10], intended: IntendedShares(weights: ["a": 1, "spare": 0]))
        let spare = try #require(c.entries.first { $0.name == "spare" })
        #expect(spare.ratio == nil)
        #expect(spare.isUnexpected)
        #expect(c.unexpectedCount == 10)
        // The ratio is taken over intended backends only: a got 50 of 60 against an intended 100%.
        #expect(abs(try #require(c.maxRatio) - 50.0 / 60) < 1e-9)
        #expect(ShareComparison.ratio(observed: 0.2, intended: 0) == nil)
    }

    @Test func nothingCountedHasNoRatioNorIndex() {
        let c = ShareComparison(counts: [:], intended: .even(["a", "b"]))
        #expect(c.maxRatio == nil)
        #expect(c.jainIndex == nil)
        #expect(c.chiSquare == nil)
        #expect(c.entries.allSatisfy { $0.observedShare == 0 })
    }

    @Test func weightsGiveSharesAndBackupsAreLeftOut() throws {
        let pool = PoolConfig(
            name: "web",
            backends: [
                BackendConfig(name: "big", address: BackendAddress(host: "127.0.0.1", port: 1), weight: 3),
                BackendConfig(name: "small", address: BackendAddress(host: "127.0.0.1", port: 2), weight: 1),
                BackendConfig(name: "spare", address: BackendAddress(host: "127.0.0.1", port: 3), backup: true),
            ])
        let intended = IntendedShares(pool: pool)
        #expect(intended.weights == ["big": 3, "small": 1])
        #expect(intended.share(of: "big") == 0.75)
        #expect(intended.share(of: "spare") == 0)
        #expect(intended.share(of: "unknown") == 0)
    }

    @Test func expectedSharesFollowTheEligibleCandidatesEffectiveWeights() {
        let shares = IntendedShares.expected(
            candidates: [PickCandidate(index: 0, weight: 1), PickCandidate(index: 2, weight: 3)], backendCount: 3)
        #expect(shares == [0.25, 0, 0.75])
        #expect(IntendedShares.expected(candidates: [], backendCount: 2) == [0, 0])
    }

    @Test func jainsIndexOfWeightNormalisedRates() throws {
        #expect(ShareComparison.jainIndex([]) == nil)
        #expect(ShareComparison.jainIndex([0, 0]) == nil)
        #expect(abs(try #require(ShareComparison.jainIndex([1, 0, 0, 0])) - 0.25) < 1e-12)
    }
}

@Suite struct HeavyHittersTests {
    @Test func theHeaviestKeysAreKeptInBoundedMemoryAmongManyLightOnes() {
        // 11,000 records over 16 slots: any key seen more than 11,000 / 16 = 687 times is sure to be kept.
        var sketch = HeavyHitters(capacity: 16)
        for i in 0..<10_000 {
            sketch.record(i % 5 == 0 ? "203.0.113.7" : "10.0.\(i % 251).\(i % 97)")
            if i % 10 == 0 { sketch.record("198.51.100.9") }
        }
        let top = sketch.top(2)
        #expect(top.map(\.key) == ["203.0.113.7", "198.51.100.9"])
        #expect(top[0].count >= 2000 && top[0].count - top[0].error <= 2000, "overestimated by at most its error")
        #expect(sketch.total == 11_000)
        #expect(sketch.top(100).count == 16, "never more than its capacity")
    }

    @Test func mergingAddsCountsAndTotals() {
        var a = HeavyHitters(capacity: 4)
        var b = HeavyHitters(capacity: 4)
        for _ in 0..<3 { a.record("x") }
        for _ in 0..<5 { b.record("x") }
        b.record("y")
        a.merge(b)
        #expect(a.top(1).first?.count == 8)
        #expect(a.total == 9)
    }
}
