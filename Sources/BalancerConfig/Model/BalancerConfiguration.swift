/// The whole load-balancer configuration: where to listen, which pools of backends to serve, and the
/// limits and timeouts that bound every connection.
///
/// It is a plain value so that the proxy, ConfigCheck and Watch can all read the very same model, compare
/// two versions of it (``ConfigDiff``) and name a version by its ``configHash``.
public struct BalancerConfiguration: Sendable, Equatable {
    /// The proxy and admin listeners.
    public var listeners: ListenersConfig
    /// Backend pools; a request goes to the pool with the longest matching `pathPrefix`.
    public var pools: [PoolConfig]
    /// Timeouts applied to client and upstream connections.
    public var timeouts: TimeoutsConfig
    /// Size and queue limits applied to every request.
    public var limits: LimitsConfig
    /// Name of the response header that tells which backend served a request.
    public var backendHeader: String
    /// Where one line per request is written; nil (the default) writes none.
    public var accessLog: AccessLogConfig?

    /// The header name used when the file does not set `backend_header`.
    public static let defaultBackendHeader = "X-Evenkeel-Backend"

    /// Creates a configuration; every argument but `pools` has the documented default.
    public init(
        listeners: ListenersConfig = ListenersConfig(),
        pools: [PoolConfig],
        timeouts: TimeoutsConfig = TimeoutsConfig(),
        limits: LimitsConfig = LimitsConfig(),
        backendHeader: String = BalancerConfiguration.defaultBackendHeader,
        accessLog: AccessLogConfig? = nil
    ) {
        self.listeners = listeners
        self.pools = pools
        self.timeouts = timeouts
        self.limits = limits
        self.backendHeader = backendHeader
        self.accessLog = accessLog
    }

    /// The pool that serves `path`: the one whose `pathPrefix` is the longest prefix of it.
    public func pool(forPath path: String) -> PoolConfig? {
        poolIndex(forPath: path).map { pools[$0] }
    }

    /// The position in `pools` of the pool that serves `path`. Prefixes are compared byte for byte, as a request
    /// target arrives (no Unicode equivalence); the balancer calls this for every request, so it allocates nothing.
    public func poolIndex(forPath path: String) -> Int? {
        var best: Int?
        var bestLength = -1
        for (index, pool) in pools.enumerated() where pool.pathPrefix.utf8.count > bestLength {
            if path.utf8.starts(with: pool.pathPrefix.utf8) {
                best = index
                bestLength = pool.pathPrefix.utf8.count
            }
        }
        return best
    }
}
