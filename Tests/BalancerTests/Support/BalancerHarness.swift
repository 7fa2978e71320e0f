import Balancer
import BalancerConfig
import Foundation

/// Starts a real balancer on ephemeral 127.0.0.1 ports in front of test backends.
struct BalancerHarness {
    let balancer: LoadBalancer
    let ports: ListeningPorts

    static func config(
        _ backends: [TestBackend], weights: [Int]? = nil, algorithm: AlgorithmConfig = .roundRobin,
        health: HealthConfig = HealthConfig(enabled: false), outlier: OutlierConfig = OutlierConfig(enabled: false),
        retry: RetryConfig = RetryConfig(), maxConnections: Int = 100,
        timeouts: TimeoutsConfig = TimeoutsConfig(), limits: LimitsConfig = LimitsConfig(),
        extraBackends: [BackendConfig] = []
    ) -> BalancerConfiguration {
        let configs = backends.enumerated().map { i, b in
            BackendConfig(name: b.name, address: BackendAddress(host: "127.0.0.1", port: b.port), weight: weights?[i] ?? 1, maxConnections: maxConnections)
        }
        return BalancerConfiguration(
            listeners: ListenersConfig(proxy: ListenAddress(host: "127.0.0.1", port: 0), admin: ListenAddress(host: "127.0.0.1", port: 0)),
            pools: [PoolConfig(name: "web", backends: extraBackends + configs, algorithm: algorithm, health: health, outlier: outlier, retry: retry)],
            timeouts: timeouts, limits: limits)
    }

    static func start(_ config: BalancerConfiguration, configPath: String? = nil, checker: ReloadChecker? = nil) async throws -> BalancerHarness {
        let balancer = LoadBalancer(configuration: config, configPath: configPath, checker: checker)
        let ports = try await balancer.start()
        return BalancerHarness(balancer: balancer, ports: ports)
    }

    func stop() async { await balancer.stop(deadline: .seconds(5)) }
}

/// A port on 127.0.0.1 with nothing listening (bound once, then released).
func deadPort() async throws -> Int {
    let backend = try await TestBackend.start("dead")
    await backend.kill()
    return backend.port
}
