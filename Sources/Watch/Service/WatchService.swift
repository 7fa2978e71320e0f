import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Watch as a service: the polling engine and the HTTP API and dashboard, run together until shutdown.
public struct WatchService: Service {
    /// The engine (for tests and `up`).
    public let engine: WatchEngine
    /// The incident store.
    public let store: IncidentStore
    let settings: WatchSettings
    let client: HTTPClient
    let metrics: WatchMetrics
    /// The notification outbox and its delivery; nil without a `--notify` file.
    public let outbox: Outbox?
    let delivery: NotificationDelivery?
    let access: WatchAccess
    let logger: Logger
    let onListening: @Sendable (Int) async -> Void

    /// Opens the store and prepares the engine; nothing runs until ``run()``.
    public init(
        settings: WatchSettings, notify: NotifySettings? = nil, retry: RetryPolicy = RetryPolicy(), logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        self.settings = settings
        self.logger = logger
        self.onListening = onListening
        let store = try IncidentStore(path: settings.databasePath)
        self.store = store
        var configuration = HTTPClient.Configuration()
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(2), read: .seconds(5))
        configuration.connectionPool = HTTPClient.Configuration.ConnectionPool(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 4)
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: configuration)
        self.client = client
        access = WatchAccess(operators: settings.operators)
        let parts = try await WatchParts.assemble(
            settings: settings, store: store, sources: Self.sources(settings, client: client), client: client, notify: notify, retry: retry,
            logger: logger)
        metrics = parts.metrics
        outbox = parts.outbox
        delivery = parts.delivery
        engine = parts.engine
    }

    /// Every source the settings name.
    static func sources(_ settings: WatchSettings, client: HTTPClient) -> [any TrafficSource] {
        settings.balancers.map { BalancerSource(baseURL: $0, client: client) as any TrafficSource }
            + settings.haproxy.map { HAProxySource(url: $0, client: client) }
            + settings.nginxLogs.map { NginxLogSource(path: $0, pool: settings.nginxLogs.count == 1 ? "nginx" : "nginx \($0)") }
            + settings.configFiles.map { ConfigFileSource(path: $0, keepFolder: previousConfigs(settings)) }
            + settings.replicaMetrics.sorted { $0.key < $1.key }.map { ReplicaMetricsSource(backend: $0.key, url: $0.value, client: client) }
    }

    /// Where watched files' texts before each change are kept: next to the incident database.
    static func previousConfigs(_ settings: WatchSettings) -> URL {
        settings.databasePath == ":memory:"
            ? FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-watch-previous-configs")
            : URL(fileURLWithPath: settings.databasePath).deletingLastPathComponent().appendingPathComponent("previous-configs")
    }

    public func run() async throws {
        let router = WatchRouter.build(engine: engine, store: store, metrics: metrics, outbox: outbox, access: access)
        let app = Application(
            router: router, server: .http1(configuration: .init(idleTimeout: .seconds(60))),
            configuration: .init(address: .hostname(settings.listenHost, port: settings.listenPort), serverName: "evenkeel-watch"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) }, logger: logger)
        let engine = self.engine
        do {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { await cancelWhenGracefulShutdown { await engine.run() } }
                if let delivery { group.addTask { await cancelWhenGracefulShutdown { await delivery.run() } } }
                group.addTask { try await app.runService() }
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}
