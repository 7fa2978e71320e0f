import Testing

@testable import JobBoard

@Suite("Relevance rankings are reused only for the generation they were computed at")
struct RankedMatchCacheTests {
    static func ranking(_ ids: [Int64]) -> RankedMatchCache.Ranking {
        RankedMatchCache.Ranking(ids: ids, ranks: ids.map { -Double($0) })
    }

    @Test func aRankingIsServedAtItsGenerationOnly() {
        let cache = RankedMatchCache()
        cache.store(Self.ranking([1, 2, 3]), for: "\"swift\"", at: 7)
        #expect(cache.ranking(for: "\"swift\"", at: 7)?.ids == [1, 2, 3])
        #expect(cache.ranking(for: "\"swift\"", at: 8) == nil)
        #expect(cache.ranking(for: "\"kotlin\"", at: 7) == nil)
    }

    @Test func aNewerGenerationDropsEveryRankingAndAnOlderOneIsNotKept() {
        let cache = RankedMatchCache()
        cache.store(Self.ranking([1]), for: "a", at: 5)
        cache.store(Self.ranking([2]), for: "b", at: 6)
        #expect(cache.ranking(for: "a", at: 5) == nil)
        #expect(cache.ranking(for: "b", at: 6)?.ids == [2])
        // A reader still in an older transaction must not replace what the newer generation holds.
        cache.store(Self.ranking([3]), for: "b", at: 5)
        #expect(cache.ranking(for: "b", at: 6)?.ids == [2])
        #expect(cache.ranking(for: "b", at: 5) == nil)
    }

    @Test func theLeastRecentlyUsedRankingGoesFirstWhenFull() {
        let cache = RankedMatchCache(capacity: 5, largestRanking: 5)
        cache.store(Self.ranking([1, 2]), for: "a", at: 1)
        cache.store(Self.ranking([3, 4]), for: "b", at: 1)
        _ = cache.ranking(for: "a", at: 1)
        cache.store(Self.ranking([5, 6]), for: "c", at: 1)
        #expect(cache.ranking(for: "b", at: 1) == nil)
        #expect(cache.ranking(for: "a", at: 1)?.ids == [1, 2])
        #expect(cache.ranking(for: "c", at: 1)?.ids == [5, 6])
        cache.store(Self.ranking([1, 2, 3, 4, 5, 6]), for: "huge", at: 1)
        #expect(cache.ranking(for: "huge", at: 1) == nil)
        #expect(cache.ranking(for: "a", at: 1)?.ids == [1, 2])
    }
}
