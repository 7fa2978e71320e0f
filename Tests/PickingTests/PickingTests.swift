@testable import Picking
import BalancerConfig
import Testing

@Suite("Picking algorithms prove their split")
struct PickingTests {
    func backends(_ weights: [Int]) -> [BackendConfig] {
        weights.enumerated().map { i, w in
            BackendConfig(name: "b\(i)", address: BackendAddress(host: "10.0.0.\(i + 1)", port: 80), weight: w)
        }
    }

    func counts(_ picker: BackendPicker, picks: Int, key: (Int) -> String? = { _ in nil }) -> [Int] {
        var counts = Array(repeating: 0, count: picker.backends.count)
        for n in 0..<picks { counts[picker.pick(requestKey: key(n))!] += 1 }
        return counts
    }

    @Test func smoothRoundRobinMatchesWeightsExactlyOver10000Picks() {
        let picker = BackendPicker(backends: backends([5, 3, 1, 1]), algorithm: .roundRobin)
        #expect(counts(picker, picks: 10_000) == [5000, 3000, 1000, 1000])
    }

    @Test func smoothRoundRobinInterleavesInsteadOfBursting() {
        let picker = BackendPicker(backends: backends([2, 1]), algorithm: .roundRobin)
        let sequence = (0..<6).map { _ in picker.pick()! }
        #expect(sequence == [0, 1, 0, 0, 1, 0])
    }

    @Test func smoothRoundRobinSplitIsExactAcrossConcurrentCallers() async {
        let picker = BackendPicker(backends: backends([3, 2]), algorithm: .roundRobin)
        let all = await withTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 { group.addTask { (0..<2500).map { _ in picker.pick()! } } }
            var merged: [Int] = []
            for await part in group { merged += part }
            return merged
        }
        #expect(all.filter { $0 == 0 }.count == 6000)
        #expect(all.filter { $0 == 1 }.count == 4000)
    }

    @Test func zeroWeightAndExcludedBackendsGetNothing() {
        let picker = BackendPicker(backends: backends([1, 0, 1]), algorithm: .roundRobin)
        let c = counts(picker, picks: 100)
        #expect(c[1] == 0)
        for _ in 0..<10 { #expect(picker.pick(excluding: [0]) == 2) }
    }

    @Test func backupsServeOnlyWhenNoPrimaryIsEligible() {
        var configs = backends([1, 1, 1])
        configs[2].backup = true
        let picker = BackendPicker(backends: configs, algorithm: .roundRobin)
        #expect(counts(picker, picks: 50)[2] == 0)
        #expect(picker.pick(effectiveWeights: [0, 0, 1]) == 2)
        #expect(picker.pick(effectiveWeights: [0, 0, 0]) == nil)
    }

    @Test func consistentHashMaxOverMeanShareIsAtMost1_15Over100000Keys() {
        let picker = BackendPicker(backends: backends([1, 1, 1, 1, 1, 1, 1]), algorithm: .consistentHash(key: .sourceIP, boundedLoad: nil), seed: 1)
        var random = SplitMix64(seed: 42)
        let c = counts(picker, picks: 100_000) { _ in "10.\(random.next() % 256).\(random.next() % 256).\(random.next() % 256)" }
        let mean = 100_000.0 / 7
        #expect(Double(c.max()!) / mean <= 1.15)
    }

    @Test func consistentHashSharesFollowWeights() {
        let picker = BackendPicker(backends: backends([1, 2, 3]), algorithm: .consistentHash(key: .sourceIP, boundedLoad: nil))
        var random = SplitMix64(seed: 7)
        let c = counts(picker, picks: 60_000) { _ in "user-\(random.next())" }
        for (i, expected) in [10_000.0, 20_000.0, 30_000.0].enumerated() {
            #expect(abs(Double(c[i]) - expected) / expected < 0.05, "backend \(i): \(c[i])")
        }
    }

    @Test func consistentHashMapsTheSameKeyToTheSameBackend() {
        let a = BackendPicker(backends: backends([1, 1, 1]), algorithm: .consistentHash(key: .header("X-User"), boundedLoad: nil))
        let b = BackendPicker(backends: backends([1, 1, 1]), algorithm: .consistentHash(key: .header("X-User"), boundedLoad: nil))
        for n in 0..<1000 {
            let first = a.pick(requestKey: "user-\(n)")
            #expect(a.pick(requestKey: "user-\(n)") == first)
            #expect(b.pick(requestKey: "user-\(n)") == first)
        }
    }

    @Test func removingABackendRemapsFewKeysThatWereNotOnIt() {
        let configs = backends([1, 1, 1, 1, 1])
        let before = BackendPicker(backends: configs, algorithm: .consistentHash(key: .sourceIP, boundedLoad: nil))
        let after = BackendPicker(backends: configs, algorithm: .consistentHash(key: .sourceIP, boundedLoad: nil))
        var stayed = 0, others = 0, movedOffRemoved = 0
        for n in 0..<20_000 {
            let key = "key-\(n)"
            let old = before.pick(requestKey: key)!
            let new = after.pick(requestKey: key, effectiveWeights: [1, 1, 0, 1, 1])!
            #expect(new != 2)
            if old == 2 { movedOffRemoved += 1; continue }
            others += 1
            if old == new { stayed += 1 }
        }
        #expect(movedOffRemoved > 0)
        // Maglev moves a few percent of other keys at most; a naive `hash % n` would move ~80%.
        #expect(Double(stayed) / Double(others) >= 0.95, "\(stayed) of \(others) stayed")
    }

    @Test func boundedLoadSpillsAHotKeyToOtherBackends() {
        let picker = BackendPicker(backends: backends([1, 1, 1, 1]), algorithm: .consistentHash(key: .sourceIP, boundedLoad: 1.25))
        var used = Set<Int>()
        for _ in 0..<40 {
            let i = picker.pick(requestKey: "hot")!
            picker.requestStarted(i)
            used.insert(i)
        }
        #expect(used.count == 4)
        let unbounded = BackendPicker(backends: backends([1, 1, 1, 1]), algorithm: .consistentHash(key: .sourceIP, boundedLoad: nil))
        var single = Set<Int>()
        for _ in 0..<40 {
            let i = unbounded.pick(requestKey: "hot")!
            unbounded.requestStarted(i)
            single.insert(i)
        }
        #expect(single.count == 1)
    }

    @Test func leastConnectionsPrefersTheIdleBackend() {
        let picker = BackendPicker(backends: backends([1, 1, 1]), algorithm: .leastConnections)
        picker.requestStarted(0)
        picker.requestStarted(0)
        picker.requestStarted(2)
        #expect(picker.pick() == 1)
        picker.requestStarted(1)
        picker.requestStarted(1)
        picker.requestFinished(2, latency: .milliseconds(1))
        #expect(picker.pick() == 2)
    }

    @Test func leastConnectionsKeepsInFlightInProportionToWeight() {
        let picker = BackendPicker(backends: backends([3, 1]), algorithm: .leastConnections)
        var load = [0, 0]
        for _ in 0..<40 {
            let i = picker.pick()!
            picker.requestStarted(i)
            load[i] += 1
        }
        #expect(load == [30, 10])
    }

    @Test func p2cSteersAwayFromTheSlowBackend() {
        let p2c = PowerOfTwoChoicesEWMA(backendCount: 3, seed: 3)
        let now = ContinuousClock.now
        for _ in 0..<5 {
            p2c.requestFinished(0, latency: .milliseconds(200), at: now)
            p2c.requestFinished(1, latency: .milliseconds(5), at: now)
            p2c.requestFinished(2, latency: .milliseconds(5), at: now)
        }
        let candidates = (0..<3).map { PickCandidate(index: $0, weight: 1) }
        var c = [0, 0, 0]
        for _ in 0..<3000 { c[p2c.pick(from: candidates, at: now)] += 1 }
        // Backend 0 would win only if both draws hit it, which two distinct draws never do.
        #expect(c[0] == 0)
        #expect(c[1] > 1000 && c[2] > 1000)
    }

    @Test func p2cSplitsEquallyLoadedBackendsByWeight() {
        let picker = BackendPicker(backends: backends([1, 1, 2]), algorithm: .p2cEWMA, seed: 9)
        let c = counts(picker, picks: 20_000)
        #expect(c[2] > c[0] && c[2] > c[1])
    }

    @Test func randomMatchesWeightsWithinTolerance() {
        let picker = BackendPicker(backends: backends([1, 2, 7]), algorithm: .random, seed: 11)
        let c = counts(picker, picks: 100_000)
        for (i, expected) in [10_000.0, 20_000.0, 70_000.0].enumerated() {
            #expect(abs(Double(c[i]) - expected) / expected < 0.03, "backend \(i): \(c[i])")
        }
    }

    @Test func slowStartWeightsScaleTheSplit() {
        let picker = BackendPicker(backends: backends([4, 4]), algorithm: .roundRobin)
        var c = [0, 0]
        for _ in 0..<500 { c[picker.pick(effectiveWeights: [4, 1])!] += 1 }
        #expect(c == [400, 100])
    }
}

@Suite("p2c EWMA ageing")
struct PowerOfTwoChoicesAgeingTests {
    @Test func aStaleSlowEstimateDecaysSoTheBackendIsTriedAgain() {
        let p2c = PowerOfTwoChoicesEWMA(backendCount: 2, seed: 5)
        let candidates = [PickCandidate(index: 0, weight: 1), PickCandidate(index: 1, weight: 1)]
        let start = ContinuousClock.now
        p2c.requestFinished(0, latency: .milliseconds(40), at: start)
        p2c.requestFinished(1, latency: .milliseconds(10), at: start)
        #expect(p2c.pick(from: candidates, at: start) == 1)
        // Backend 1 keeps answering in 10 ms; backend 0's 40 ms sample ages. After three half-lives
        // (15 s) its estimate is 5 ms, so it wins and gets a fresh sample.
        #expect(p2c.pick(from: candidates, at: start + .seconds(5)) == 1)
        p2c.requestFinished(1, latency: .milliseconds(10), at: start + .seconds(15))
        #expect(p2c.pick(from: candidates, at: start + .seconds(15)) == 0)
    }
}
