import Foundation

/// A pass/fail condition for CI: `p99<250ms`, `errors<1%`, `share_ratio<1.2`, `rate>900`.
public struct Threshold: Sendable, Equatable, CustomStringConvertible {
    public enum Metric: String, Sendable, CaseIterable {
        case p50, p90, p99, p999 = "p99.9", max, errors, shareRatio = "share_ratio", jain, rate
    }

    public enum Comparison: String, Sendable {
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    public var metric: Metric
    public var comparison: Comparison
    /// In the metric's unit: milliseconds for latency, percent for errors, requests/s for rate.
    public var limit: Double
    public let text: String

    public var description: String { text }

    /// Reads a threshold; the error says what was expected.
    public init(parsing text: String) throws(ThresholdError) {
        let trimmed = text.replacingOccurrences(of: " ", with: "")
        guard let operatorRange = trimmed.range(of: "<=|>=|<|>", options: .regularExpression) else {
            throw .malformed(text, "expected METRIC<VALUE or METRIC>VALUE, e.g. p99<250ms")
        }
        guard let metric = Metric(rawValue: String(trimmed[..<operatorRange.lowerBound])) else {
            throw .malformed(text, "unknown metric; expected one of \(Metric.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var value = String(trimmed[operatorRange.upperBound...])
        var scale = 1.0
        for (suffix, factor) in [("ms", 1.0), ("us", 0.001), ("s", 1000.0), ("%", 1.0)] where value.hasSuffix(suffix) {
            value.removeLast(suffix.count)
            scale = factor
            break
        }
        guard let number = Double(value), number.isFinite else { throw .malformed(text, "'\(value)' is not a number") }
        self.metric = metric
        self.comparison = Comparison(rawValue: String(trimmed[operatorRange]))!
        self.limit = number * scale
        self.text = text
    }

    /// The measured value this threshold compares, in its unit.
    public func measured(in report: LoadReport) -> Double? {
        switch metric {
        case .p50: report.latency.p50
        case .p90: report.latency.p90
        case .p99: report.latency.p99
        case .p999: report.latency.p999
        case .max: report.latency.max
        case .errors: report.errorRate * 100
        case .shareRatio: report.maxShareRatio
        case .jain: report.jainIndex
        case .rate: report.achievedRate
        }
    }

    /// Whether the report meets the threshold; a metric that was not measured fails it.
    public func holds(for report: LoadReport) -> Bool {
        guard let value = measured(in: report) else { return false }
        switch comparison {
        case .less: return value < limit
        case .lessOrEqual: return value <= limit
        case .greater: return value > limit
        case .greaterOrEqual: return value >= limit
        }
    }

    /// The metric's unit as shown to people.
    public var unit: String {
        switch metric {
        case .p50, .p90, .p99, .p999, .max: " ms"
        case .errors: "%"
        case .rate: " req/s"
        case .shareRatio, .jain: ""
        }
    }

    /// Judges the report: whether the threshold holds and, if not, by how much it is missed.
    public func judge(_ report: LoadReport) -> ThresholdResult {
        let value = measured(in: report)
        return ThresholdResult(threshold: text, measured: value, limit: limit, unit: unit, holds: holds(for: report))
    }
}

/// A threshold that could not be read.
public enum ThresholdError: Error, CustomStringConvertible, Equatable {
    case malformed(String, String)

    public var description: String {
        switch self {
        case .malformed(let text, let why): "--threshold '\(text)': \(why)"
        }
    }
}
