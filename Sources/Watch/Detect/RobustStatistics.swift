/// Median and median absolute deviation: a baseline that a minority of anomalous samples cannot drag along.
public enum RobustStatistics {
    /// The median of `values`, or nil when empty.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// The median absolute deviation from the median, scaled by 1.4826 so that it estimates the standard deviation
    /// of normally distributed values; nil when empty.
    public static func mad(_ values: [Double]) -> Double? {
        guard let m = median(values) else { return nil }
        return median(values.map { abs($0 - m) }).map { $0 * 1.4826 }
    }
}
