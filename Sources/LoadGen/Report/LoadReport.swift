import Distribution
import Foundation
import Histogram

/// The result of a load test: what a person reads at the end, what `--json` writes and what `--html` draws.
public struct LoadReport: Codable, Sendable {
    /// Latency percentiles in milliseconds.
    public struct Latency: Codable, Sendable, Equatable {
        public var p50: Double
        public var p90: Double
        public var p99: Double
        public var p999: Double
        public var max: Double
        public var count: Int

        init(_ histogram: Histogram<UInt64>) {
            func ms(_ microseconds: UInt64) -> Double { Double(microseconds) / 1000 }
            p50 = ms(histogram.valueAtPercentile(50))
            p90 = ms(histogram.valueAtPercentile(90))
            p99 = ms(histogram.valueAtPercentile(99))
            p999 = ms(histogram.valueAtPercentile(99.9))
            max = ms(histogram.max)
            count = Int(histogram.totalCount)
        }
    }

    /// One second of the test. Latency and errors belong to the requests *due* in that second (their intended
    /// send time); `sent` and `completed` count what actually happened in it.
    public struct Second: Codable, Sendable {
        public var second: Int
        /// Requests the schedule asked for (open model; nil in the closed model).
        public var target: Int?
        /// Requests sent: the achieved rate.
        public var sent: Int
        /// Responses and failures that arrived.
        public var completed: Int
        /// Latency percentiles (ms) of the requests due in this second that got a response.
        public var p50: Double
        public var p90: Double
        public var p99: Double
        /// Failures and 5xx responses among the requests due in this second.
        public var errors: Int
        /// Failures without a response by kind: connect, timeout, reset.
        public var failures: [String: Int]
        /// Responses by status class: "2xx", "4xx", …
        public var statusClasses: [String: Int]
        /// Largest send lag in this second (ms): how late the generator released a request.
        public var sendLagMax: Double

        enum CodingKeys: String, CodingKey {
            case second, target, sent, completed, p50, p90, p99, errors, failures
            case statusClasses = "status_classes"
            case sendLagMax = "send_lag_max_ms"
        }
    }

    /// One backend's part of the traffic.
    public struct Backend: Codable, Sendable {
        public var name: String
        public var responses: Int
        public var share: Double
        public var intendedShare: Double

        enum CodingKeys: String, CodingKey {
            case name, responses, share
            case intendedShare = "intended_share"
        }
    }

    /// "open" or "closed(N)".
    public var model: String
    /// The rate profile in words, for the open model.
    public var profile: String?
    public var durationSeconds: Double
    /// Requests the schedule asked for (open model), over the whole test.
    public var scheduled: Int?
    public var requests: Int
    public var achievedRate: Double
    public var latency: Latency
    public var latencyByKind: [String: Latency]
    public var statuses: [String: Int]
    public var failures: [String: Int]
    /// What the first failure of a kind said, for kinds that say more than their name (`malformed`: the fault).
    public var failureExamples: [String: String] = [:]
    /// Share of requests that failed or got a 5xx.
    public var errorRate: Double
    public var perSecond: [Second]
    public var backends: [Backend]
    /// Largest observed over intended share; 1 is perfectly even by weight.
    public var maxShareRatio: Double?
    /// Jain's fairness index over observed/intended shares: 1 is perfectly fair, 1/n is everything on one backend.
    public var jainIndex: Double?
    /// How late the generator released requests against the schedule (ms); large values mean the client, not
    /// the server, could not keep up.
    public var sendLagP99: Double
    public var sendLagMax: Double
    /// The thresholds and whether each held; filled by ``LoadVerdict``.
    public var thresholds: [ThresholdResult] = []

    /// Send lag p99 above this (ms) means the generator fell behind its schedule.
    public static let sendLagWarning = 10.0

    /// Whether the generator fell behind its own schedule badly enough to distort the figures.
    public var generatorFellBehind: Bool { sendLagP99 > Self.sendLagWarning }

    enum CodingKeys: String, CodingKey {
        case model, profile, scheduled, requests, latency, statuses, failures, backends, thresholds
        case durationSeconds = "duration_seconds"
        case achievedRate = "achieved_rate"
        case latencyByKind = "latency_by_kind"
        case errorRate = "error_rate"
        case failureExamples = "failure_examples"
        case perSecond = "per_second"
        case maxShareRatio = "max_share_ratio"
        case jainIndex = "jain_index"
        case sendLagP99 = "send_lag_p99_ms"
        case sendLagMax = "send_lag_max_ms"
    }

    /// The report as pretty-printed JSON (`--json`); an infinite share ratio (traffic on a backend meant to get
    /// none) is written as the string "inf", which JSON has no number for.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }

    /// Observed shares against intended weights (equal over the backends seen when none are given). The share
    /// ratio is infinite when traffic reached a backend meant to get none, so a `max_share_ratio` threshold fails.
    static func distribution(counts: [String: Int], expected: [String: Double]) -> (backends: [Backend], ratio: Double?, jain: Double?) {
        let intended = expected.isEmpty ? IntendedShares.even(counts.keys) : IntendedShares(weights: expected)
        let comparison = ShareComparison(counts: counts, intended: intended)
        guard comparison.total > 0, !comparison.entries.isEmpty else { return ([], nil, nil) }
        let backends = comparison.entries.map {
            Backend(name: $0.name, responses: $0.count, share: $0.observedShare, intendedShare: $0.intendedShare)
        }
        let ratio = comparison.unexpected.isEmpty ? comparison.maxRatio : .infinity
        return (backends, ratio, comparison.jainIndex)
    }
}
