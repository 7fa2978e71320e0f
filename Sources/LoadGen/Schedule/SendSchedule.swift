/// The intended send times of a rate profile, one by one (seconds from the start), so a long test at a high
/// rate never holds its whole schedule in memory.
public struct SendSchedule: Sequence, IteratorProtocol, Sendable {
    let profile: RateProfile
    let duration: Double
    let limit: Int?
    // Whole nanoseconds, so 1/rate steps do not drift: 200/s for 2 s is exactly 400 requests.
    private var t: Int64 = 0
    private let end: Int64
    private var count = 0

    /// The schedule of `profile` over `duration` seconds, capped at `limit` requests.
    public init(profile: RateProfile, duration: Double, limit: Int?) {
        self.profile = profile
        self.duration = duration
        self.limit = limit
        end = Int64((duration * 1e9).rounded())
    }

    public mutating func next() -> Double? {
        while t < end {
            if let limit, count >= limit { return nil }
            let seconds = Double(t) / 1e9
            let rate = profile.rate(at: seconds, duration: duration)
            if rate <= 0 {
                t += 10_000_000
                continue
            }
            count += 1
            // Rounded up: n requests at a rate that fits n in a window never spill one over its end.
            t += Swift.max(1, Int64((1e9 / rate).rounded(.up)))
            return seconds
        }
        return nil
    }
}
