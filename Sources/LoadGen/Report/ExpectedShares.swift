import BalancerConfig
import Distribution

/// What an Evenkeel balancer configuration intends for a load test's distribution figures: the header the
/// balancer names backends in, and each backend's weight under the name the balancer sends in it.
public struct ExpectedShares: Sendable, Equatable {
    /// No pool of the configuration serves the path the load test sends to.
    public struct NoPoolError: Error, CustomStringConvertible, Equatable {
        /// The request path.
        public var path: String
        /// The configuration's pools.
        public var pools: [String]

        public var description: String {
            "no pool of the balancer configuration serves \(path) (its pools: \(pools.joined(separator: ", "))), so there is no intended split to compare with"
        }
    }

    /// The response header carrying the backend's name (`backend_header`, default `X-Evenkeel-Backend`).
    public var header: String
    /// Weight per backend `name`, primaries only: backups get no traffic while primaries are up, so a backup
    /// that shows up in the counts is reported as unexpected traffic.
    public var weights: [String: Double]

    /// The expectation for requests to `path`, from the pool that serves it (longest path prefix, as the balancer
    /// routes).
    public init(config: BalancerConfiguration, path: String = "/") throws(NoPoolError) {
        guard let pool = config.pool(forPath: path) else { throw NoPoolError(path: path, pools: config.pools.map(\.name)) }
        header = config.backendHeader
        weights = IntendedShares(pool: pool).weights
    }
}
