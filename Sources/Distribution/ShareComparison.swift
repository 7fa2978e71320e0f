/// Observed counts per backend set against intended shares: shares, the observed/intended ratio, Jain's fairness
/// index and Pearson's χ². The one place Evenkeel does this arithmetic; the balancer, ConfigCheck, LoadGen and Watch
/// all compare through it.
///
/// One rule for a backend meant to get nothing (intended share zero): its ratio is nil, and any traffic it got is
/// *unexpected* traffic, reported on its own rather than folded into a ratio.
public struct ShareComparison: Sendable, Equatable {
    /// One backend's figures.
    public struct Entry: Sendable, Equatable {
        /// Backend name.
        public var name: String
        /// Requests (or responses) counted for it.
        public var count: Int
        /// Its part of all counted, 0...1 (0 when nothing was counted).
        public var observedShare: Double
        /// Its intended part, 0...1.
        public var intendedShare: Double
        /// observed / intended: 1 is exactly as meant; nil when the intended share is zero.
        public var ratio: Double?

        /// Got traffic it was not meant to get.
        public var isUnexpected: Bool { intendedShare == 0 && count > 0 }
        /// Was meant to get traffic and got none.
        public var isSilent: Bool { intendedShare > 0 && count == 0 }
    }

    /// Every backend counted or intended, sorted by name.
    public var entries: [Entry]
    /// Everything counted.
    public var total: Int

    /// Compares `counts` (by backend name) with `intended`.
    public init(counts: [String: Int], intended: IntendedShares) {
        let total = counts.values.reduce(0, +)
        self.total = total
        entries = Set(counts.keys).union(intended.weights.keys).sorted().map { name in
            let count = counts[name] ?? 0
            let observed = total > 0 ? Double(count) / Double(total) : 0
            let share = intended.share(of: name)
            return Entry(name: name, count: count, observedShare: observed, intendedShare: share, ratio: Self.ratio(observed: observed, intended: share))
        }
    }

    /// observed / intended, or nil when nothing is intended (the one rule for a zero intended share).
    public static func ratio(observed: Double, intended: Double) -> Double? {
        intended > 0 ? observed / intended : nil
    }

    /// The backends meant to get traffic.
    public var intendedEntries: [Entry] { entries.filter { $0.intendedShare > 0 } }
    /// Backends that got traffic they were not meant to get.
    public var unexpected: [Entry] { entries.filter(\.isUnexpected) }
    /// Backends meant to get traffic that got none.
    public var silent: [Entry] { entries.filter(\.isSilent) }
    /// Requests counted on backends meant to get nothing.
    public var unexpectedCount: Int { unexpected.reduce(0) { $0 + $1.count } }

    /// The largest ratio over the intended backends; nil when nothing was counted or nothing is intended.
    public var maxRatio: Double? {
        guard total > 0 else { return nil }
        return intendedEntries.compactMap(\.ratio).max()
    }

    /// The entry with the largest ratio, when there is one.
    public var worst: Entry? {
        guard total > 0 else { return nil }
        return intendedEntries.max { ($0.ratio ?? 0) < ($1.ratio ?? 0) }
    }

    /// Jain's fairness index over the intended backends' ratios: 1 when every backend gets exactly its share, 1/n
    /// when one of n gets everything. Nil when nothing was counted.
    public var jainIndex: Double? {
        guard total > 0 else { return nil }
        return Self.jainIndex(intendedEntries.compactMap(\.ratio))
    }

    /// Jain's index of `values` (e.g. weight-normalised rates): (Σx)² / (n·Σx²); nil when all are zero or none given.
    public static func jainIndex(_ values: [Double]) -> Double? {
        let sum = values.reduce(0, +)
        let squares = values.reduce(0) { $0 + $1 * $1 }
        guard squares > 0 else { return nil }
        return sum * sum / (Double(values.count) * squares)
    }

    /// Intended backends minus one: the χ² test's degrees of freedom.
    public var degreesOfFreedom: Int { max(0, intendedEntries.count - 1) }

    /// Pearson's statistic over the counts that reached intended backends against their intended shares; nil with
    /// fewer than two intended backends or no such counts. Traffic elsewhere is ``unexpected``, not part of the test.
    public var chiSquare: Double? {
        let weighted = intendedEntries
        let reached = weighted.reduce(0) { $0 + $1.count }
        guard degreesOfFreedom >= 1, reached > 0 else { return nil }
        return ChiSquare.statistic(observed: weighted.map(\.count), expected: weighted.map { $0.intendedShare * Double(reached) })
    }

    /// P(χ² ≥ ``chiSquare``) if traffic were shared as intended.
    public var pValue: Double? {
        chiSquare.map { ChiSquare.pValue($0, degreesOfFreedom: degreesOfFreedom) }
    }
}
