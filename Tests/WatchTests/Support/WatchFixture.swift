import AsyncHTTPClient
import Balancer
import BalancerAPI
import BalancerConfig
import Foundation
import Logging
import NIOCore
import NIOPosix
@testable import Watch

/// A real balancer in front of knob backends on 127.0.0.1, steady traffic through it, and a Watch engine polling its
/// admin API: what each end-to-end diagnosis test starts from.
final class WatchFixture: Sendable {
    let backends: [KnobBackend]
    let balancer: LoadBalancer
    let ports: ListeningPorts
    let engine: WatchEngine
    let store: IncidentStore
    let client: HTTPClient
    let config: BalancerConfiguration
    /// The notification outbox, when started with routes.
    let outbox: Outbox?
    /// The balancer's configuration file, when started from one (its folder is removed at stop).
    let configPath: String?
    private let tasks: [Task<Void, Never>]

    static let quiet = Logger(label: "evenkeel.watch.test") { _ in SwiftLogNoOpLogHandler() }

    /// Fast settings for tests: a quarter-second poll, a two-second window, two-second resolve delay.
    static func settings(_ balancers: [String]) -> WatchSettings {
        var settings = WatchSettings(
            balancers: balancers, databasePath: ":memory:", interval: .milliseconds(250), window: .seconds(2), unreachableAfter: 3,
            resolveAfter: 2, confirmations: 2, warmUpSamples: 8)
        settings.detection.downAfter = 1
        return settings
    }

    /// Starts the backends, the balancer and Watch; `traffic` drives the balancer's proxy port (steady GETs at 25 a
    /// second from one client unless given).
    init(
        backends names: [String] = ["a", "b", "c"], health: HealthConfig = HealthConfig(enabled: false), notify: NotifySettings? = nil,
        fromFile: Bool = false, autoRollback: AutoRollback = .none,
        traffic: (@Sendable (_ proxyPort: Int, _ client: HTTPClient) async -> Void)? = nil
    ) async throws {
        var started: [KnobBackend] = []
        for name in names { started.append(try await KnobBackend.start(name)) }
        backends = started
        if fromFile {
            // The same pool, as a file: reloads and rollbacks go through it and the balancer keeps its history.
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-watch-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let path = folder.appendingPathComponent("balancer.yaml").path
            try Self.yaml(started, algorithm: "round_robin").write(toFile: path, atomically: true, encoding: .utf8)
            configPath = path
            config = try BalancerConfigLoader.load(contentsOf: path)
        } else {
            configPath = nil
            config = BalancerConfiguration(
                listeners: ListenersConfig(proxy: ListenAddress(host: "127.0.0.1", port: 0), admin: ListenAddress(host: "127.0.0.1", port: 0)),
                pools: [
                    PoolConfig(
                        name: "web",
                        backends: started.map { BackendConfig(name: $0.name, address: BackendAddress(host: "127.0.0.1", port: $0.port)) },
                        health: health, outlier: OutlierConfig(enabled: false), retry: RetryConfig(attempts: 0))
                ])
        }
        balancer = LoadBalancer(configuration: config, configPath: configPath, logger: Self.quiet)
        ports = try await balancer.start()
        client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        store = try IncidentStore(path: ":memory:")
        let admin = "http://127.0.0.1:\(ports.admin)"
        var settings = Self.settings([admin])
        settings.autoRollback = autoRollback
        let watch = try await WatchParts.assemble(
            settings: settings, store: store, sources: [BalancerSource(baseURL: admin, client: client)], client: client, notify: notify,
            logger: Self.quiet)
        let engine = watch.engine
        outbox = watch.outbox
        let delivery = watch.delivery
        self.engine = engine
        let proxy = ports.proxy
        let client = self.client
        let traffic = traffic ?? { port, client in await Self.drive(client: client, url: "http://127.0.0.1:\(port)/jobs", rate: 25) }
        tasks = [
            Task { await engine.run() },
            Task { await traffic(proxy, client) },
            Task { await delivery?.run() },
        ]
    }

    /// The fixture's pool as a configuration file with `algorithm` (a YAML value).
    static func yaml(_ backends: [KnobBackend], algorithm: String) -> String {
        var text = """
            listeners:
              proxy: {address: 127.0.0.1, port: 0}
              admin: {address: 127.0.0.1, port: 0}
            pools:
              - name: web
                algorithm: \(algorithm)
                health: {enabled: false}
                outlier: {enabled: false}
                retry: {attempts: 0}
                backends:

            """
        for b in backends { text += "      - {name: \(b.name), address: \"127.0.0.1:\(b.port)\"}\n" }
        return text
    }

    /// Rewrites the configuration file with `algorithm` and reloads it as SIGHUP would.
    func reloadFile(algorithm: String) async throws -> ReloadEvent {
        guard let configPath else { throw CancellationError() }
        try Self.yaml(backends, algorithm: algorithm).write(toFile: configPath, atomically: true, encoding: .utf8)
        return await balancer.reload(trigger: "sighup")
    }

    /// Sends GET `url` at `rate` a second until cancelled, each request on its own.
    static func drive(client: HTTPClient, url: String, rate: Double) async {
        await withTaskGroup(of: Void.self) { group in
            let clock = ContinuousClock()
            var next = clock.now
            while !Task.isCancelled {
                group.addTask { _ = try? await client.execute(HTTPClientRequest(url: url), timeout: .seconds(5)) }
                next = next.advanced(by: .seconds(1 / rate))
                try? await Task.sleep(until: next, clock: clock)
            }
            group.cancelAll()
        }
    }

    /// Waits up to `timeout` for an incident that is not resolved and has `diagnosis`; returns it with the seconds waited.
    func waitForIncident(_ diagnosis: Diagnosis, timeout: Duration = .seconds(20)) async throws -> (Incident, Double)? {
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < timeout {
            if let found = try await store.incidents(states: [.open, .acknowledged]).first(where: { $0.diagnosis == diagnosis }) {
                return (found, (clock.now - start).seconds)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    /// Waits up to `timeout` until incident `id` is resolved.
    func waitForResolution(_ id: Int64, timeout: Duration = .seconds(20)) async throws -> Incident? {
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < timeout {
            if let incident = try await store.incident(id: id), incident.state == .resolved { return incident }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    /// Waits until the engine has learnt a warm baseline (enough normal seconds).
    func warmUp() async throws {
        try await Task.sleep(for: .seconds(4))
    }

    func stop() async {
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        await balancer.stop(deadline: .seconds(2))
        for backend in backends { await backend.stop() }
        try? await client.shutdown()
        if let configPath { try? FileManager.default.removeItem(at: URL(fileURLWithPath: configPath).deletingLastPathComponent()) }
    }
}
