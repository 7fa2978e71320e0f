import BalancerConfig

/// How traffic is meant to be shared over a pool's backends, as the live check compares it with what it
/// sees: weights by the name the balancer puts in its backend header.
public struct IntendedDistribution: Sendable, Equatable, Codable {
    /// The pool the probe requests go to.
    public var pool: String
    /// The response header that names the backend.
    public var backendHeader: String
    /// Backend name → weight (any positive scale; shares are weight / total). Zero means "no traffic".
    public var weights: [String: Double]
    /// Why the live check may not be able to see the intended spread (e.g. hashing on the client address).
    public var caveat: String?

    /// A distribution given directly, e.g. mapped from an HAProxy or nginx configuration.
    public init(pool: String, backendHeader: String, weights: [String: Double], caveat: String? = nil) {
        self.pool = pool
        self.backendHeader = backendHeader
        self.weights = weights
        self.caveat = caveat
    }

    enum CodingKeys: String, CodingKey {
        case pool, weights, caveat
        case backendHeader = "backend_header"
    }

    /// The intended distribution of an Evenkeel balancer configuration for requests to `path`: the pool
    /// that serves it (longest `path_prefix`, as the balancer routes), its primaries' weights by backend
    /// name, and the configured `backend_header`.
    ///
    /// Backups are left out: they take traffic only when no primary is eligible, so a share for them is
    /// itself a finding (they show up as backends outside the intended set).
    public static func evenkeel(configPath: String, path: String = "/") throws(LiveCheckError) -> IntendedDistribution {
        let configuration: BalancerConfiguration
        do {
            configuration = try BalancerConfigLoader.load(contentsOf: configPath)
        } catch {
            throw .config(error)
        }
        return try evenkeel(configuration, path: path, file: configPath)
    }

    /// The same, for a configuration already loaded; `file` is only used in errors.
    public static func evenkeel(
        _ configuration: BalancerConfiguration, path: String = "/", file: String = "<config>"
    ) throws(LiveCheckError) -> IntendedDistribution {
        guard let pool = configuration.pool(forPath: path) else { throw .noPool(path: path, file: file) }
        // The same reading as every other dialect's: primaries' weights by name, and the hashing caveat.
        let model = CheckedConfig(configuration: configuration, source: SourceMap(file: file, yaml: ""))
        return try of(model, pool: pool.name, backendHeader: configuration.backendHeader)
    }
}
