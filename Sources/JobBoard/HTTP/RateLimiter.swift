import Foundation
import Synchronization

/// A token bucket per key (client address or account): `burst` requests at once, refilled at `perMinute`.
///
/// Buckets live in memory per replica; behind a balancer each replica enforces its own share,
/// which bounds abuse without a shared store. Old buckets are pruned so memory stays bounded.
public final class RateLimiter: Sendable {
    /// A limit: how many at once and how fast they come back.
    public struct Rule: Sendable, Equatable {
        public var burst: Double
        public var perMinute: Double
        public init(burst: Double, perMinute: Double) {
            self.burst = burst
            self.perMinute = perMinute
        }
    }

    /// The outcome of asking for one request.
    public enum Decision: Equatable {
        case allowed
        case limited(retryAfterSeconds: Int)
    }

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let rule: Rule
    private let buckets = Mutex<[String: Bucket]>([:])
    private static let maximumBuckets = 100_000

    public init(rule: Rule) {
        self.rule = rule
    }

    /// Takes one token from `key`'s bucket if there is one.
    public func take(_ key: String, now: ContinuousClock.Instant = .now) -> Decision {
        let rate = rule.perMinute / 60
        return buckets.withLock { buckets in
            if buckets.count >= Self.maximumBuckets { Self.prune(&buckets, now: now, rate: rate, burst: rule.burst) }
            var bucket = buckets[key] ?? Bucket(tokens: rule.burst, updated: now)
            let elapsed = Double((now - bucket.updated).components.seconds)
                + Double((now - bucket.updated).components.attoseconds) / 1e18
            bucket.tokens = min(rule.burst, bucket.tokens + max(0, elapsed) * rate)
            bucket.updated = now
            defer { buckets[key] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return .allowed
            }
            let wait = rate > 0 ? (1 - bucket.tokens) / rate : 3600
            return .limited(retryAfterSeconds: max(1, Int(wait.rounded(.up))))
        }
    }

    /// Drops buckets that have refilled completely: they hold no information.
    private static func prune(_ buckets: inout [String: Bucket], now: ContinuousClock.Instant, rate: Double, burst: Double) {
        buckets = buckets.filter { _, bucket in
            let elapsed = Double((now - bucket.updated).components.seconds)
            return bucket.tokens + elapsed * rate < burst
        }
    }
}

/// The rate limits of the actions worth abusing; `nil` turns limiting off (load tests).
public struct RateLimits: Sendable {
    public var login: RateLimiter.Rule
    public var registration: RateLimiter.Rule
    public var posting: RateLimiter.Rule
    public var applying: RateLimiter.Rule

    public init(
        login: RateLimiter.Rule = .init(burst: 10, perMinute: 10),
        registration: RateLimiter.Rule = .init(burst: 5, perMinute: 2),
        posting: RateLimiter.Rule = .init(burst: 20, perMinute: 10),
        applying: RateLimiter.Rule = .init(burst: 20, perMinute: 10)
    ) {
        self.login = login
        self.registration = registration
        self.posting = posting
        self.applying = applying
    }
}

extension RateLimits {
    /// Changes one limit from text such as `login=10/60`: a burst of 10, refilled at 60 a minute.
    public mutating func apply(_ text: String) throws(RateLimitSpecError) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw .malformed(text) }
        let numbers = parts[1].split(separator: "/").map { Double($0) }
        guard numbers.count == 2, let burst = numbers[0], let perMinute = numbers[1], burst >= 1, perMinute > 0 else {
            throw .malformed(text)
        }
        let rule = RateLimiter.Rule(burst: burst, perMinute: perMinute)
        switch parts[0] {
        case "login": login = rule
        case "registration": registration = rule
        case "posting": posting = rule
        case "applying": applying = rule
        default: throw .unknownAction(parts[0])
        }
    }
}

/// A `--rate-limit` value that could not be read.
public enum RateLimitSpecError: Error, CustomStringConvertible {
    case malformed(String)
    case unknownAction(String)

    public var description: String {
        switch self {
        case .malformed(let text): "--rate-limit \(text): expected ACTION=BURST/PER_MINUTE, e.g. login=10/10"
        case .unknownAction(let action): "--rate-limit: unknown action '\(action)'; expected login, registration, posting or applying"
        }
    }
}
