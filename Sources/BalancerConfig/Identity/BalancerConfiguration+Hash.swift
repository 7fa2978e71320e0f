extension BalancerConfiguration {
    /// A stable identity of this configuration: 16 hex digits of FNV-1a 64 over ``canonicalText``.
    ///
    /// It depends only on the values (not on comments, key order or spelling of defaults in the file), and
    /// does not change between runs or machines, so reload events and ConfigCheck reports can name a version.
    public var configHash: String { FNV1a.hex(canonicalText) }

    /// Every value of the configuration, one `key=value` per line in a fixed order.
    public var canonicalText: String {
        var lines: [String] = []
        func add(_ key: String, _ value: some CustomStringConvertible) { lines.append("\(key)=\(value)") }
        func add(_ key: String, _ value: Duration) { lines.append("\(key)=\(DurationText.milliseconds(value))ms") }
        add("listeners.proxy", listeners.proxy)
        add("listeners.admin", listeners.admin)
        if let adminTokenFile = listeners.adminTokenFile { add("listeners.admin.token_file", adminTokenFile) }
        // Only when set, so configurations without TLS keep the hash they had before it existed.
        if let tls = listeners.proxyTLS {
            add("listeners.proxy.tls", "\(tls.minimumVersion.rawValue) http2=\(tls.http2)")
            for (i, pair) in tls.certificates.enumerated() { add("listeners.proxy.tls.certificates[\(i)]", "\(pair.certificate) \(pair.key)") }
        }
        add("backend_header", backendHeader)
        // Only when set, so configurations without one keep the hash they had before the key existed.
        if let accessLog { add("access_log", "\(accessLog.format.rawValue) \(accessLog.path)") }
        add("timeouts.connect", timeouts.connect)
        add("timeouts.response", timeouts.response)
        add("timeouts.idle", timeouts.idle)
        add("timeouts.header_read", timeouts.headerRead)
        add("timeouts.queue", timeouts.queue)
        add("timeouts.tunnel", timeouts.tunnel)
        add("limits.max_header_bytes", limits.maxHeaderBytes)
        add("limits.max_body_bytes", limits.maxBodyBytes)
        add("limits.queue_size", limits.queueSize)
        add("limits.max_client_connections", limits.maxClientConnections)
        add("limits.underscores_in_headers", limits.underscoresInHeaders)
        if limits.http2MaxConcurrentStreams != LimitsConfig().http2MaxConcurrentStreams {
            add("limits.http2_max_concurrent_streams", limits.http2MaxConcurrentStreams)
        }
        for (i, p) in pools.enumerated() {
            let s = "pools[\(i)]"
            add("\(s).name", p.name)
            add("\(s).path_prefix", p.pathPrefix)
            add("\(s).algorithm", p.algorithm)
            add("\(s).health", "\(p.health.enabled) \(p.health.path) \(DurationText.milliseconds(p.health.interval)) \(DurationText.milliseconds(p.health.timeout)) \(p.health.rise) \(p.health.fall)")
            add("\(s).outlier", "\(p.outlier.enabled) \(p.outlier.consecutiveFailures) \(DurationText.milliseconds(p.outlier.baseEjectionTime)) \(p.outlier.maxEjectionPercent)")
            add("\(s).slow_start", p.slowStart)
            add("\(s).retry", "\(p.retry.attempts) \(p.retry.budgetPercent)")
            for (j, b) in p.backends.enumerated() {
                add("\(s).backends[\(j)]", "\(b.name) \(b.address) \(b.weight) \(b.backup) \(b.maxConnections)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
