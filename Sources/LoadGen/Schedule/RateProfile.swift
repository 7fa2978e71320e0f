/// How the target request rate changes over a test: the shapes regular load tests and spike drills use.
public enum RateProfile: Sendable, Equatable {
    /// The same rate throughout.
    case constant(rate: Double)
    /// From one rate to another, linearly over the whole test.
    case ramp(from: Double, to: Double)
    /// A rate per step, each held for `step` seconds.
    case steps(rates: [Double], step: Double)
    /// `base`, then `base × factor` from `start` for `length` seconds, then `base` again: a traffic spike.
    case spike(base: Double, factor: Double, start: Double, length: Double)

    /// The target rate (requests per second) `t` seconds into a test lasting `duration` seconds.
    public func rate(at t: Double, duration: Double) -> Double {
        switch self {
        case .constant(let rate): return rate
        case .ramp(let from, let to): return from + (to - from) * min(1, max(0, t / max(duration, 1e-9)))
        case .steps(let rates, let step):
            guard !rates.isEmpty else { return 0 }
            return rates[min(rates.count - 1, Int(t / max(step, 1e-9)))]
        case .spike(let base, let factor, let start, let length):
            return t >= start && t < start + length ? base * factor : base
        }
    }

    /// The highest rate the profile asks for.
    public var peak: Double {
        switch self {
        case .constant(let rate): rate
        case .ramp(let from, let to): max(from, to)
        case .steps(let rates, _): rates.max() ?? 0
        case .spike(let base, let factor, _, _): base * max(1, factor)
        }
    }

    /// Intended send times (seconds from the start) for a test of `duration` seconds, capped at `limit` requests.
    public func sendTimes(duration: Double, limit: Int?) -> [Double] {
        Array(SendSchedule(profile: self, duration: duration, limit: limit))
    }

    /// The profile in words, for reports: "spike 100/s ×5 from 10 s for 10 s".
    public var summary: String {
        func n(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
        switch self {
        case .constant(let rate): return "constant \(n(rate))/s"
        case .ramp(let from, let to): return "ramp \(n(from))/s to \(n(to))/s"
        case .steps(let rates, let step): return "steps \(rates.map { n($0) }.joined(separator: ", "))/s, \(n(step)) s each"
        case .spike(let base, let factor, let start, let length):
            return "spike \(n(base))/s ×\(n(factor)) from \(n(start)) s for \(n(length)) s"
        }
    }
}
