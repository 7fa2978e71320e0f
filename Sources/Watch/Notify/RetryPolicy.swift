import Foundation

/// When a failed notification is tried again: exponential backoff with jitter, never sooner than a receiver's
/// `Retry-After`, and not at all for answers that say the request itself is wrong.
public struct RetryPolicy: Sendable, Equatable {
    /// The first wait.
    public var base: Duration
    /// The longest wait between two attempts.
    public var cap: Duration
    /// How long after it was made a notification is given up.
    public var giveUpAfter: Duration

    public init(base: Duration = .seconds(1), cap: Duration = .seconds(30), giveUpAfter: Duration = .seconds(24 * 3600)) {
        self.base = base
        self.cap = cap
        self.giveUpAfter = giveUpAfter
    }

    /// How an attempt ended.
    public enum Outcome: Sendable, Equatable {
        /// The receiver answered with this status, and this `Retry-After` header if any.
        case status(Int, retryAfter: String?)
        /// No answer: refused, reset, timed out.
        case transportError(String)
    }

    /// Whether `outcome` is worth another attempt: no answer, 408, 425, 429 and 5xx are; other 4xx are not.
    public static func isRetryable(_ outcome: Outcome) -> Bool {
        switch outcome {
        case .transportError: true
        case .status(let code, _): code == 408 || code == 425 || code == 429 || (500...599).contains(code)
        }
    }

    /// When to try again after attempt number `attempt` (1 for the first) ended in `outcome`, or nil to give up.
    /// `random` in 0...1 spreads retries of many notifications (full jitter over the upper half of the wait).
    public func retryAt(after attempt: Int, outcome: Outcome, createdAt: Date, now: Date, random: Double = Double.random(in: 0...1)) -> Date? {
        guard Self.isRetryable(outcome), now.timeIntervalSince(createdAt) < giveUpAfter.seconds else { return nil }
        let exponential = base.seconds * pow(2, Double(min(attempt - 1, 30)))
        var wait = min(cap.seconds, exponential) * (0.5 + 0.5 * random)
        if case .status(_, let header?) = outcome, let asked = Self.retryAfter(header, now: now) {
            wait = max(wait, min(asked, 600))
        }
        return now.addingTimeInterval(wait)
    }

    /// A `Retry-After` value as seconds from `now`: delay-seconds or an HTTP date; nil when it is neither.
    public static func retryAfter(_ header: String, now: Date) -> Double? {
        let text = header.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(text), seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
