/// What is normal for one pool, learnt from its own recent signals: the total rate, each backend's share of traffic
/// and latency, and the client concentration. Frozen while an incident is open in the pool, so the anomaly is not
/// learnt as normal; bounded to the last `capacity` samples.
public struct PoolBaseline: Sendable {
    /// One learnt sample.
    struct Point: Sendable {
        var rate: Double
        var p50: Double
        var p99: Double
        var errorRatio: Double
        var shares: [String: Double]
        var backendP50: [String: Double]
        var configuredShares: [String: Double]
        var topClientsShare: Double?
    }

    /// Samples kept (at one a second, ten minutes by default).
    public let capacity: Int
    /// Samples needed before rate and latency comparisons are made.
    public let warmUp: Int
    private var points: [Point] = []
    private var next = 0
    /// The medians, recomputed every `refreshEvery` samples rather than at every question: a median of ten minutes
    /// barely moves in ten seconds, and sorting each backend's window every second is most of Watch's CPU.
    private var cache = Summary()
    private var learntSinceSummary = 0
    static let refreshEvery = 10

    private struct Summary: Sendable {
        var rate: (median: Double, mad: Double)?
        var p50: (median: Double, mad: Double)?
        var p99: (median: Double, mad: Double)?
        var errorRatio: Double?
        var shares: [String: Double] = [:]
        var backendP50: [String: Double] = [:]
        var configuredShares: [String: Double] = [:]
        var topClientsShare: Double?
    }

    /// An empty baseline.
    public init(capacity: Int = 600, warmUp: Int = 20) {
        self.capacity = max(1, capacity)
        self.warmUp = max(1, warmUp)
    }

    /// Whether enough has been learnt to compare against.
    public var isWarm: Bool { points.count >= warmUp }
    /// Samples learnt.
    public var count: Int { points.count }

    /// Learns `signals` as normal. Seconds without traffic teach nothing about shares or latency, only the rate.
    public mutating func learn(_ signals: PoolSignals, topClientsShare: Double? = nil) {
        let point = Point(
            rate: signals.rate, p50: signals.p50, p99: signals.p99, errorRatio: signals.errorRatio,
            shares: signals.requests > 0 ? Dictionary(signals.backends.map { ($0.name, $0.observedShare) }, uniquingKeysWith: { a, _ in a }) : [:],
            backendP50: Dictionary(signals.backends.filter { $0.responses > 0 }.map { ($0.name, $0.p50) }, uniquingKeysWith: { a, _ in a }),
            configuredShares: Dictionary(signals.backends.map { ($0.name, $0.configuredShare) }, uniquingKeysWith: { a, _ in a }),
            topClientsShare: topClientsShare)
        if points.count < capacity {
            points.append(point)
        } else {
            points[next] = point
            next = (next + 1) % capacity
        }
        learntSinceSummary += 1
        if points.count <= warmUp || learntSinceSummary >= Self.refreshEvery { summarise() }
    }

    private mutating func summarise() {
        learntSinceSummary = 0
        var summary = Summary()
        summary.rate = Self.robust(points.map(\.rate))
        summary.p50 = Self.robust(points.filter { $0.p50 > 0 }.map(\.p50))
        summary.p99 = Self.robust(points.filter { $0.p99 > 0 }.map(\.p99))
        summary.errorRatio = RobustStatistics.median(points.map(\.errorRatio))
        var shares: [String: [Double]] = [:], p50s: [String: [Double]] = [:], configured: [String: [Double]] = [:]
        for point in points {
            for (name, value) in point.shares { shares[name, default: []].append(value) }
            for (name, value) in point.backendP50 { p50s[name, default: []].append(value) }
            for (name, value) in point.configuredShares { configured[name, default: []].append(value) }
        }
        summary.shares = shares.compactMapValues(RobustStatistics.median)
        summary.backendP50 = p50s.compactMapValues(RobustStatistics.median)
        summary.configuredShares = configured.compactMapValues(RobustStatistics.median)
        summary.topClientsShare = RobustStatistics.median(points.compactMap(\.topClientsShare))
        cache = summary
    }

    /// The median rate, and its MAD.
    public var rate: (median: Double, mad: Double)? { cache.rate }
    /// The median of the pool's median latency, ms.
    public var p50: (median: Double, mad: Double)? { cache.p50 }
    /// The median of the pool's 99th percentile, ms.
    public var p99: (median: Double, mad: Double)? { cache.p99 }

    /// The median of the pool's error ratio.
    public var errorRatio: Double? { cache.errorRatio }

    /// The median share `backend` got, over the samples that had traffic.
    public func share(of backend: String) -> Double? { cache.shares[backend] }

    /// The median of `backend`'s median latency, ms.
    public func p50(of backend: String) -> Double? { cache.backendP50[backend] }

    /// The configured share `backend` had (the weights' share) in most samples.
    public func configuredShare(of backend: String) -> Double? { cache.configuredShares[backend] }

    /// The median share of the heaviest clients.
    public var topClientsShare: Double? { cache.topClientsShare }

    private static func robust(_ values: [Double]) -> (median: Double, mad: Double)? {
        guard let m = RobustStatistics.median(values), let d = RobustStatistics.mad(values) else { return nil }
        return (m, d)
    }
}
