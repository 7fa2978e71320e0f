/// Quantiles of the responses that completed between two cumulative histograms (bucket upper bound in ms, nil for the
/// overflow bucket, → count): what the balancer's latency was during that interval alone.
public struct LatencyQuantiles: Sendable, Equatable {
    /// Responses in the interval.
    public var count: Int
    /// Median, ms (the bucket's upper bound).
    public var p50: Double
    /// 99th percentile, ms.
    public var p99: Double

    /// Quantiles given directly.
    public init(count: Int, p50: Double, p99: Double) {
        self.count = count
        self.p50 = p50
        self.p99 = p99
    }

    /// The interval between `earlier` and `later`. Buckets that shrank (a balancer restarted) count as empty.
    public init(from earlier: [Double?: Int], to later: [Double?: Int]) {
        var delta: [(le: Double, count: Int)] = []
        for (le, count) in later {
            let d = count - (earlier[le] ?? 0)
            if d > 0 { delta.append((le ?? .infinity, d)) }
        }
        delta.sort { $0.le < $1.le }
        let total = delta.reduce(0) { $0 + $1.count }
        count = total
        func quantile(_ q: Double) -> Double {
            guard total > 0 else { return 0 }
            let rank = max(1, Int((q * Double(total)).rounded(.up)))
            var seen = 0
            for bucket in delta {
                seen += bucket.count
                // The overflow bucket has no bound: report the largest bound below it.
                if seen >= rank { return bucket.le.isFinite ? bucket.le : (delta.last { $0.le.isFinite }?.le ?? 0) }
            }
            return 0
        }
        p50 = quantile(0.5)
        p99 = quantile(0.99)
    }
}
