/// The thresholds the detector uses. Each is an effect size with a volume guard, not a significance test: at a
/// few hundred requests a second everything is "significant", and at a few a second nothing is.
public struct DetectionSettings: Sendable, Equatable {
    /// Requests a pool needs in the window before shares or volume are judged.
    public var minPoolRequests = 25
    /// Responses a backend needs in the window before its latency or errors are judged.
    public var minBackendRequests = 10
    /// A backend over-shares when it gets this many times its expected (or baseline) share…
    public var skewRatio = 1.5
    /// …and at least this much more of the pool, absolutely.
    public var skewExcess = 0.15
    /// Volume this many times the baseline's median is a surge…
    public var surgeFactor = 2.5
    /// …and it must also exceed the median by this many MADs.
    public var surgeMADs = 6.0
    /// The heaviest clients' share above which a surge is from few sources.
    public var concentratedShare = 0.5
    /// A backend is slow when its median latency is this many times its peers'…
    public var slowFactor = 3.0
    /// …and at least this many milliseconds more.
    public var slowExcessMs = 50.0
    /// A backend fails when its error ratio is at least this…
    public var errorRatio = 0.05
    /// …and this many times its peers' (plus two points).
    public var errorFactor = 5.0
    /// Seconds a backend must be down or ejected before it is an incident. A replica restart (drain, start, the checks'
    /// rise) keeps it out for about 5 s on `evenkeel up`'s settings; that is not an incident.
    public var downAfter = 8.0

    public init() {}
}
