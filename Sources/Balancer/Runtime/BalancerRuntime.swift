import BalancerConfig
import Synchronization

/// The balancer's live state: the configuration generation in use (config + pools), swapped atomically
/// on reload. A request takes one snapshot at its start and finishes on it, so a reload never disturbs
/// requests in flight.
public final class BalancerRuntime: Sendable {
    /// One installed configuration and its live pools.
    public final class Generation: Sendable {
        /// The configuration.
        public let config: BalancerConfiguration
        /// Live pools, in configuration order.
        public let pools: [PoolRuntime]
        /// `config.configHash`.
        public let hash: String
        /// `config.accessLog?.format`, read by the proxy at the end of every exchange.
        let accessLogFormat: AccessLogConfig.Format?

        init(config: BalancerConfiguration, previous: Generation?, metrics: BalancerMetrics?, log: BalancerLog) {
            self.config = config
            self.pools = config.pools.map { pool in
                PoolRuntime(
                    config: pool, limits: config.limits, timeouts: config.timeouts,
                    carryingStateFrom: previous?.pools.first { $0.config.name == pool.name }, metrics: metrics, log: log)
            }
            self.hash = config.configHash
            self.accessLogFormat = config.accessLog?.format
        }

        /// The pool serving `path` (longest prefix; see `BalancerConfiguration.poolIndex(forPath:)`).
        public func pool(forPath path: String) -> PoolRuntime? {
            config.poolIndex(forPath: path).map { pools[$0] }
        }
    }

    private let current: Mutex<Generation>
    /// How many configurations have been installed: read without a lock, so a connection can keep using the
    /// generation it has until this changes (``generationNumber``).
    private let installs = Atomic<Int>(0)
    /// Where latency histograms are recorded, if anywhere.
    let metrics: BalancerMetrics?
    /// Where backend state changes and failed requests are logged.
    let log: BalancerLog
    /// Where the proxy writes a line per request while the configuration has an access log (opened by its owner).
    public let accessLog: AccessLogWriter

    /// Starts with `config` installed; `metrics` receives latency histograms, `log` state changes and failures,
    /// `accessLog` a line per request while the configuration asks for one.
    public init(config: BalancerConfiguration, metrics: BalancerMetrics? = nil, log: BalancerLog = .discarding, accessLog: AccessLogWriter? = nil) {
        self.metrics = metrics
        self.log = log
        self.accessLog = accessLog ?? AccessLogWriter(logger: log.logger)
        current = Mutex(Generation(config: config, previous: nil, metrics: metrics, log: log))
    }

    /// The generation in use now.
    public var generation: Generation { current.withLock { $0 } }

    /// Changes whenever a configuration is installed. Reading it takes no lock and writes nothing, so the proxy
    /// checks it per request instead of taking the lock every event loop shares.
    public var generationNumber: Int { installs.load(ordering: .acquiring) }

    /// Installs `config` atomically, carrying live state (health, ejections, counters) of backends that
    /// keep their pool, name and address. Returns the new generation.
    @discardableResult
    public func install(_ config: BalancerConfiguration) -> Generation {
        current.withLock { gen in
            gen = Generation(config: config, previous: gen, metrics: metrics, log: log)
            installs.add(1, ordering: .releasing)
            return gen
        }
    }
}
