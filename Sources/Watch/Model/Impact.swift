import Foundation

/// What an incident did to users, measured from the pool's signals while it lasted and compared with the pool's
/// usual levels when it opened: the numbers a postmortem's summary needs.
public struct Impact: Sendable, Codable, Equatable {
    /// The pool's usual levels: its baseline's medians when the incident opened (nil before the baseline was warm).
    public var before: Levels?
    /// Requests into the pool while the incident lasted (rate × time).
    public var requests: Double
    /// Of those, failed ones (5xx and connect errors).
    public var failedRequests: Double
    /// The highest share of the pool's traffic one backend took.
    public var peakShare: Double
    /// The backend that took it.
    public var peakShareBackend: String?
    /// Its share as configured.
    public var peakShareExpected: Double
    /// The worst pool p99, ms.
    public var peakP99: Double
    /// The worst pool error ratio.
    public var peakErrorRatio: Double
    /// The highest request rate, per second.
    public var peakRate: Double
    /// The averages while it lasted (request-weighted p99 and error ratio).
    public var during: Levels
    /// Seconds of signals measured.
    public var seconds: Double

    /// Three levels of a pool: request rate, p99 and error ratio.
    public struct Levels: Sendable, Codable, Equatable {
        public var rate: Double
        public var p99: Double
        public var errorRatio: Double

        public init(rate: Double, p99: Double, errorRatio: Double) {
            self.rate = rate
            self.p99 = p99
            self.errorRatio = errorRatio
        }

        enum CodingKeys: String, CodingKey {
            case rate
            case p99 = "p99_ms"
            case errorRatio = "error_ratio"
        }
    }

    /// An impact with nothing measured yet, over `before`.
    public init(before: Levels?) {
        self.before = before
        requests = 0
        failedRequests = 0
        peakShare = 0
        peakShareBackend = nil
        peakShareExpected = 0
        peakP99 = 0
        peakErrorRatio = 0
        peakRate = 0
        during = Levels(rate: 0, p99: 0, errorRatio: 0)
        seconds = 0
    }

    /// Takes `signals` as the pool's state for the last `seconds`.
    public mutating func add(_ signals: PoolSignals, seconds step: Double) {
        guard step > 0 else { return }
        let total = seconds + step
        during.rate = (during.rate * seconds + signals.rate * step) / total
        during.p99 = (during.p99 * seconds + signals.p99 * step) / total
        during.errorRatio = (during.errorRatio * seconds + signals.errorRatio * step) / total
        seconds = total
        requests += signals.rate * step
        failedRequests += signals.rate * signals.errorRatio * step
        peakP99 = max(peakP99, signals.p99)
        peakErrorRatio = max(peakErrorRatio, signals.errorRatio)
        peakRate = max(peakRate, signals.rate)
        if let top = signals.backends.max(by: { $0.observedShare < $1.observedShare }), top.observedShare > peakShare {
            peakShare = top.observedShare
            peakShareBackend = top.name
            peakShareExpected = top.expectedShare
        }
    }

    enum CodingKeys: String, CodingKey {
        case before, requests, during, seconds
        case failedRequests = "failed_requests"
        case peakShare = "peak_share"
        case peakShareBackend = "peak_share_backend"
        case peakShareExpected = "peak_share_expected"
        case peakP99 = "peak_p99_ms"
        case peakErrorRatio = "peak_error_ratio"
        case peakRate = "peak_rate"
    }
}
