extension IntendedDistribution {
    /// The intended distribution of a pool of any dialect: its primaries' weights by server name (for HAProxy
    /// the `server` name, which `%s` puts in a response header; for nginx the address as written, which
    /// `$upstream_addr` reports for literal addresses). `pool` nil means the configuration's only pool.
    public static func of(_ config: CheckedConfig, pool name: String?, backendHeader: String) throws(LiveCheckError) -> IntendedDistribution {
        let pool: CheckedPool
        if let name {
            guard let named = config.pools.first(where: { $0.name == name }) else {
                throw .noIntendedShares("\(config.file) has no pool named '\(name)'; it has \(config.pools.map(\.name).joined(separator: ", "))")
            }
            pool = named
        } else {
            guard config.pools.count == 1 else {
                throw .noIntendedShares(
                    "\(config.file) has \(config.pools.count) pools (\(config.pools.map(\.name).joined(separator: ", "))); name one with --pool")
            }
            pool = config.pools[0]
        }
        var weights: [String: Double] = [:]
        for server in pool.primaries { weights[server.name, default: 0] += Double(server.weight) }
        var caveat: String?
        if case .hash(let policy) = pool.algorithm {
            caveat = "pool \(pool.name) hashes on \(policy.key): probes from one client with one key all go to one backend, "
                + "so a live check from one address cannot show the intended spread"
        }
        return IntendedDistribution(pool: pool.name, backendHeader: backendHeader, weights: weights, caveat: caveat)
    }
}
