/// How long each part of a drill lasts and how hard it pushes.
public struct DrillSettings: Sendable, Equatable {
    /// The base load, requests per second (the built-in job-board mix, from one client address).
    public var rate: Double = 40
    /// Seconds of normal traffic for Watch to learn its baseline before the fault.
    public var warmSeconds: Double = 30
    /// The longest the fault stays on, seconds; it is removed earlier once detected and held `holdSeconds` more.
    public var faultSeconds: Double = 30
    /// Seconds the fault stays on after detection, so its effect is measured.
    public var holdSeconds: Double = 5
    /// The longest to wait, after the fault is removed, for every incident to resolve.
    public var resolveSeconds: Double = 60
    /// A scenario whose detection takes longer fails.
    public var maxDetectSeconds: Double = 15
    /// `clean` runs this long with nothing injected.
    public var cleanSeconds: Double = 60
    /// Watch rolls a skew back by itself (`auto_rollback`), and the drill reports the time to mitigation.
    public var autoRollback = false
    /// Jobs seeded into the drill's database.
    public var seedJobs = 500
    /// The balancer terminates TLS (a self-signed certificate, HTTP/2 offered) and the load goes over HTTPS, as the
    /// site's traffic does.
    public var tls = false

    public init() {}
}
