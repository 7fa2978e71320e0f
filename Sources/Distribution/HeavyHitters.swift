/// The heaviest keys of a stream in bounded memory (the Space-Saving sketch): at most `capacity` keys are counted;
/// a new key takes the place of the lightest one and inherits its count as a possible overestimate. Any key seen
/// more than total/capacity times is sure to be kept.
///
/// The balancer counts its clients and paths with it, so Watch can tell a flood from a few sources from a crowd.
public struct HeavyHitters: Sendable, Equatable {
    /// One counted key.
    public struct Entry: Sendable, Equatable {
        /// The key.
        public var key: String
        /// Its count, possibly overestimated by up to `error`.
        public var count: Int
        /// How much of `count` may belong to keys evicted before it.
        public var error: Int
    }

    /// Keys counted at most.
    public let capacity: Int
    /// Everything recorded.
    public private(set) var total = 0
    private struct Tally: Sendable, Equatable {
        var count: Int
        var error: Int
    }

    private var entries: [String: Tally] = [:]

    /// An empty sketch keeping `capacity` keys.
    public init(capacity: Int = 32) {
        self.capacity = max(1, capacity)
        entries.reserveCapacity(self.capacity)
    }

    /// Counts `key` `count` times.
    public mutating func record(_ key: String, count: Int = 1) {
        total += count
        if let existing = entries[key] {
            entries[key] = Tally(count: existing.count + count, error: existing.error)
            return
        }
        if entries.count < capacity {
            entries[key] = Tally(count: count, error: 0)
            return
        }
        // Full: the new key replaces the lightest and starts from its count.
        var lightest: (key: String, count: Int)? = nil
        for (k, v) in entries where lightest == nil || v.count < lightest!.count { lightest = (k, v.count) }
        guard let lightest else { return }
        entries[lightest.key] = nil
        entries[key] = Tally(count: lightest.count + count, error: lightest.count)
    }

    /// Adds every count of `other` (e.g. the previous period's sketch, or another balancer's).
    public mutating func merge(_ other: HeavyHitters) {
        let before = total
        for entry in other.top(other.capacity) { record(entry.key, count: entry.count) }
        total = before + other.total
    }

    /// The `n` heaviest keys, heaviest first (ties by key).
    public func top(_ n: Int) -> [Entry] {
        entries.map { Entry(key: $0.key, count: $0.value.count, error: $0.value.error) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.key < $1.key }
            .prefix(max(0, n)).map { $0 }
    }
}
