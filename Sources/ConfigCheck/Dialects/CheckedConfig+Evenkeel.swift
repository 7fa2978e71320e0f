import Foundation
import BalancerConfig

extension CheckedConfig {
    /// The model of an Evenkeel balancer configuration, each part located through `source`.
    public init(configuration: BalancerConfiguration, source: SourceMap) {
        let pools = configuration.pools.enumerated().map { poolIndex, pool in
            CheckedPool(evenkeel: pool, at: "pools[\(poolIndex)]", configuration: configuration, source: source)
        }
        let frontend = CheckedFrontend(
            name: "proxy \(configuration.listeners.proxy)", line: source.line("listeners"),
            maxConnections: configuration.limits.maxClientConnections, maxConnectionsLine: source.line("limits.max_client_connections"),
            pools: configuration.pools.map(\.name), tls: configuration.listeners.proxyTLS.map { CheckedTLS(evenkeel: $0, source: source) })
        self.init(dialect: .evenkeel, file: source.file, text: source.text, frontends: [frontend], pools: pools)
    }
}

extension CheckedPool {
    /// The model of one Evenkeel pool; `path` is its place in the file, as `SourceMap` names it.
    init(evenkeel pool: PoolConfig, at path: String, configuration: BalancerConfiguration, source: SourceMap) {
        let servers = pool.backends.enumerated().map { index, backend in
            let backendPath = "\(path).backends[\(index)]"
            return CheckedServer(
                name: backend.name, host: backend.address.host, port: backend.address.port, weight: backend.weight,
                backup: backend.backup, maxConnections: backend.maxConnections, line: source.line(backendPath),
                weightLine: source.line("\(backendPath).weight"), addressLine: source.line("\(backendPath).address"))
        }
        let health = pool.health
        self.init(
            name: pool.name, line: source.line(path), algorithm: PoolAlgorithm(evenkeel: pool.algorithm),
            algorithmLine: source.line("\(path).algorithm"), servers: servers,
            activeHealth: health.enabled
                ? ActiveHealthCheck(
                    interval: health.interval, rise: health.rise, fall: health.fall, line: source.line("\(path).health"),
                    intervalLine: source.line("\(path).health.interval"), thresholdsLine: source.line("\(path).health.rise"))
                : nil,
            passiveHealth: pool.outlier.enabled
                ? PassiveHealthCheck(failures: pool.outlier.consecutiveFailures, line: source.line("\(path).outlier")) : nil,
            slowStart: pool.slowStart > .zero ? pool.slowStart : nil,
            retry: pool.retry.attempts > 0
                ? RetryPolicy(
                    attempts: pool.retry.attempts, budgetPercent: pool.retry.budgetPercent,
                    triggers: "connect failures, and failures before any response byte for idempotent requests",
                    line: source.line("\(path).retry"))
                : nil,
            queue: QueuePolicy(
                timeout: configuration.timeouts.queue, timeoutLine: source.line("timeouts.queue"),
                responseTimeout: configuration.timeouts.response, size: configuration.limits.queueSize,
                sizeLine: source.line("limits.queue_size")))
    }
}

extension PoolAlgorithm {
    /// The model of an Evenkeel algorithm setting.
    public init(evenkeel algorithm: AlgorithmConfig) {
        switch algorithm {
        case .roundRobin: self = .roundRobin
        case .leastConnections: self = .leastConnections
        case .p2cEWMA: self = .p2cEWMA
        case .random: self = .random
        case .consistentHash(let key, let bound):
            let hashKey: HashKey =
                switch key {
                case .sourceIP: .sourceIP
                case .header(let name): .header(name)
                case .cookie(let name): .cookie(name)
                }
            self = .hash(HashPolicy(key: hashKey, placement: .maglev(boundedLoad: bound)))
        }
    }
}

extension CheckedTLS {
    /// The TLS of an Evenkeel proxy listener.
    init(evenkeel tls: TLSConfig, source: SourceMap) {
        let legacy = TLSConfig.ProtocolVersion.allCases.filter { $0 >= tls.minimumVersion && $0 < .v1_2 }.map { "TLS \($0.rawValue)" }
        self.init(
            certificates: tls.certificates.enumerated().map { index, pair in
                CertificateFile(
                    certificate: pair.certificate, key: pair.key,
                    line: pair.location?.line ?? source.line("listeners.proxy.tls.certificates[\(index)]"))
            },
            legacyVersions: legacy, legacyVersionsLine: source.line("listeners.proxy.tls.min_version"))
    }
}
