/// A fixed-bucket latency histogram (log-spaced, 50µs to ~100s), cheap to record into and to merge.
///
/// Percentiles are reported as the upper bound of the bucket holding that rank, which is within one
/// bucket width (about 19%) of the true value. It backs `/admin/stats`; the Prometheus histogram keeps its own,
/// coarser buckets.
public struct LatencyHistogram: Sendable, Equatable {
    /// Upper bounds of the buckets, in seconds (the last bucket is open-ended).
    public static let bounds: [Double] = {
        var bounds: [Double] = []
        var b = 0.00005
        while b < 100 {
            bounds.append(b)
            b *= 1.1892  // 2^(1/4): four buckets per doubling
        }
        return bounds
    }()

    /// Count per bucket; index `bounds.count` is the overflow bucket.
    public private(set) var counts: [Int] = Array(repeating: 0, count: LatencyHistogram.bounds.count + 1)
    /// Number of samples.
    public private(set) var total = 0
    /// Sum of samples in seconds.
    public private(set) var sum = 0.0
    /// Largest sample in seconds.
    public private(set) var max = 0.0

    /// An empty histogram.
    public init() {}

    /// Adds one sample.
    public mutating func record(_ latency: Duration) {
        let seconds = Double(latency.components.seconds) + Double(latency.components.attoseconds) / 1e18
        var lo = 0, hi = Self.bounds.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Self.bounds[mid] < seconds { lo = mid + 1 } else { hi = mid }
        }
        counts[lo] += 1
        total += 1
        sum += seconds
        if seconds > max { max = seconds }
    }

    /// The latency at quantile `q` (0...1) in seconds, or 0 with no samples.
    public func quantile(_ q: Double) -> Double {
        guard total > 0 else { return 0 }
        let rank = Swift.max(1, Int((q * Double(total)).rounded(.up)))
        var seen = 0
        for (i, c) in counts.enumerated() {
            seen += c
            if seen >= rank { return i < Self.bounds.count ? Swift.min(Self.bounds[i], max) : max }
        }
        return max
    }

    /// The buckets that hold samples, lowest first: upper bound in milliseconds (nil for the overflow bucket) and count.
    /// What readers of the balancer's and Watch's latency take intervals from.
    public var nonEmptyBucketsInMilliseconds: [(le: Double?, count: Int)] {
        counts.enumerated().compactMap { index, count in
            count > 0 ? (index < Self.bounds.count ? Self.bounds[index] * 1000 : nil, count) : nil
        }
    }
}
