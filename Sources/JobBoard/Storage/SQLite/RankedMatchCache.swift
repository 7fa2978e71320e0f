import Synchronization

/// The full bm25 ranking of recent relevance searches, by their match expression, for the database generation
/// it was computed at.
///
/// FTS5 ranks every match before a page can be cut (4-5 ms for a three-word search over 100,000 postings), and
/// keyset paging asks again for each page. Filters and cursors are applied afterwards, so one ranking serves
/// every page and filter combination of the same words. Any change to a posting bumps the generation and the
/// next search drops every ranking (ranks depend on the whole corpus), so a ranking is never staler than the
/// transaction that reads it.
final class RankedMatchCache: Sendable {
    /// Matching ids and their ranks (lower is better), in index order.
    struct Ranking: Sendable {
        var ids: [Int64] = []
        var ranks: [Double] = []
    }

    private struct Entry {
        var ranking: Ranking
        var lastUse: UInt64
    }

    private struct State {
        var generation: Int64 = -1
        var entries: [String: Entry] = [:]
        var uses: UInt64 = 0
        var storedIDs = 0
    }

    /// Ids held across all rankings (16 bytes each): about 8 MB.
    let capacity: Int
    /// Rankings longer than this are not kept: a word in most postings would crowd out everything else.
    let largestRanking: Int
    private let state = Mutex(State())

    init(capacity: Int = 500_000, largestRanking: Int = 100_000) {
        self.capacity = capacity
        self.largestRanking = largestRanking
    }

    /// The ranking computed for `match` at exactly `generation`, if one is kept.
    func ranking(for match: String, at generation: Int64) -> Ranking? {
        state.withLock { state in
            guard state.generation == generation, var entry = state.entries[match] else { return nil }
            state.uses += 1
            entry.lastUse = state.uses
            state.entries[match] = entry
            return entry.ranking
        }
    }

    /// Keeps a ranking computed at `generation`; one from an older generation than the cache holds is dropped.
    func store(_ ranking: Ranking, for match: String, at generation: Int64) {
        guard ranking.ids.count <= largestRanking else { return }
        state.withLock { state in
            if generation > state.generation {
                state = State(generation: generation)
            }
            guard generation == state.generation else { return }
            if let old = state.entries[match] { state.storedIDs -= old.ranking.ids.count }
            while state.storedIDs + ranking.ids.count > capacity,
                let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse })
            {
                state.storedIDs -= oldest.value.ranking.ids.count
                state.entries[oldest.key] = nil
            }
            state.uses += 1
            state.entries[match] = Entry(ranking: ranking, lastUse: state.uses)
            state.storedIDs += ranking.ids.count
        }
    }
}
