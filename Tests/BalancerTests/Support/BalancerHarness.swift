import Balancer
import BalancerAPI
import BalancerConfig
import Foundation
import Logging

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

    /// Starts a balancer for `config`; its log goes to `log` when given, and nowhere otherwise (tests provoke
    /// failures on purpose, which would fill the test output).
    static func start(
        _ config: BalancerConfiguration, configPath: String? = nil, checker: ReloadChecker? = nil, log: CapturedLog? = nil
    ) async throws -> BalancerHarness {
        let logger = log?.logger ?? Logger(label: "evenkeel.test") { _ in SwiftLogNoOpLogHandler() }
        let balancer = LoadBalancer(configuration: config, configPath: configPath, checker: checker, logger: logger)
        let ports = try await balancer.start()
        return BalancerHarness(balancer: balancer, ports: ports)
    }

    func stop() async { await balancer.stop(deadline: .seconds(5)) }
}

/// A port on 127.0.0.1 with nothing listening (bound once, then released).
/// A port that refuses connections for the rest of the test run: a socket bound to it but never listening.
/// Keeping it bound stops a backend of another test, running in parallel, from taking the port.
func deadPort() async throws -> Int {
    let port = holdPort(0)
    precondition(port > 0, "could not bind a socket on 127.0.0.1")
    return port
}

/// Binds a socket on 127.0.0.1:`port` (0 for any) without listening, and keeps it open until the test process
/// exits, so connections to the port are refused instead of reaching whoever binds it next.
/// Returns the port held, or 0 when it could not be bound.
@discardableResult
func holdPort(_ port: Int) -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return 0 }
    var reuse: Int32 = 1
    setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
        }
    }
    guard bound else {
        close(descriptor)
        return 0
    }
    // The descriptor stays open on purpose until the test process exits.
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Waits until pool `pool` of `balancer` has admitted `count` requests (in flight or finished). Waiting for a
/// non-zero in-flight count instead can miss a short request on a busy machine and then wait forever.
func waitForAdmitted(_ balancer: LoadBalancer, count: Int = 1, pool: Int = 0) async throws {
    while balancer.stats().pools[pool].backends.map(\.requests).reduce(0, +) < count {
        try await Task.sleep(for: .milliseconds(10))
    }
}
