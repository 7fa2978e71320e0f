import BalancerConfig
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Runs a ``LoadBalancer`` as a ServiceLifecycle `Service`: binds, reports the bound ports through
/// `onListening`, reloads on SIGHUP (when started from a file), and on graceful shutdown (SIGTERM via the
/// `ServiceGroup`) stops accepting, finishes in-flight requests and returns.
public struct BalancerService: Service {
    /// The balancer this service runs.
    public let balancer: LoadBalancer
    private let onListening: @Sendable (ListeningPorts) async -> Void
    private let reloadOnSIGHUP: Bool
    private let drainDeadline: Duration
    /// An event loop group this service made for itself (``init(configPath:eventLoops:checker:logger:onListening:)``),
    /// shut down when it stops.
    private let ownedGroup: MultiThreadedEventLoopGroup?

    /// Creates the service. `onListening` is called once both listeners are bound.
    public init(
        configuration: BalancerConfiguration, configPath: String? = nil, checker: ReloadChecker? = nil,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger = Logger(label: "evenkeel.balancer"),
        reloadOnSIGHUP: Bool = true, drainDeadline: Duration = .seconds(30),
        onListening: @escaping @Sendable (ListeningPorts) async -> Void = { _ in }
    ) {
        self.init(
            configuration: configuration, configPath: configPath, checker: checker, group: group, ownedGroup: nil, logger: logger,
            reloadOnSIGHUP: reloadOnSIGHUP, drainDeadline: drainDeadline, onListening: onListening)
    }

    /// Loads `configPath` and creates the service for it, on `eventLoops` threads (one per core when nil).
    ///
    /// Fewer threads than cores suit a machine the balancer shares with other busy processes: an event loop with
    /// less to do sleeps and wakes more often, and each wake costs a context switch (measured in
    /// `docs/benchmarks.md`).
    public init(
        configPath: String, eventLoops: Int? = nil, checker: ReloadChecker? = nil, logger: Logger = Logger(label: "evenkeel.balancer"),
        onListening: @escaping @Sendable (ListeningPorts) async -> Void = { _ in }
    ) throws(ConfigError) {
        let configuration = try BalancerConfigLoader.load(contentsOf: configPath)
        let owned = eventLoops.map { MultiThreadedEventLoopGroup(numberOfThreads: $0) }
        self.init(
            configuration: configuration, configPath: configPath, checker: checker,
            group: owned ?? MultiThreadedEventLoopGroup.singleton, ownedGroup: owned, logger: logger,
            reloadOnSIGHUP: true, drainDeadline: .seconds(30), onListening: onListening)
    }

    private init(
        configuration: BalancerConfiguration, configPath: String?, checker: ReloadChecker?, group: any EventLoopGroup,
        ownedGroup: MultiThreadedEventLoopGroup?, logger: Logger, reloadOnSIGHUP: Bool, drainDeadline: Duration,
        onListening: @escaping @Sendable (ListeningPorts) async -> Void
    ) {
        balancer = LoadBalancer(configuration: configuration, configPath: configPath, checker: checker, group: group, logger: logger)
        self.onListening = onListening
        self.reloadOnSIGHUP = reloadOnSIGHUP
        self.drainDeadline = drainDeadline
        self.ownedGroup = ownedGroup
    }

    /// Serves until graceful shutdown or cancellation.
    public func run() async throws {
        let ports = try await balancer.start()
        // Armed before the service says it is listening: a SIGHUP sent right after that must not be lost.
        let hangup = reloadOnSIGHUP && balancer.configPath != nil ? await SignalReloader.armed(balancer: balancer) : nil
        await onListening(ports)
        // Suspends until graceful shutdown is requested (throws if the task is cancelled instead).
        try? await gracefulShutdown()
        hangup?.cancel()
        await balancer.stop(deadline: drainDeadline)
        try? await ownedGroup?.shutdownGracefully()
    }
}

/// Reloads the configuration file on SIGHUP.
final class SignalReloader {
    private let source: any DispatchSourceSignal

    private init(balancer: LoadBalancer) {
        signal(SIGHUP, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        // The handler only queues the reload: the work runs on the balancer's reload queue, one at a time.
        source.setEventHandler { balancer.queueReload(trigger: "sighup") }
    }

    /// A reloader whose signal source is registered with the system. Dispatch registers a source after `resume()`
    /// returns, and SIGHUP is ignored meanwhile, so a signal sent in between would be lost.
    static func armed(balancer: LoadBalancer) async -> SignalReloader {
        let reloader = SignalReloader(balancer: balancer)
        await withCheckedContinuation { (registered: CheckedContinuation<Void, Never>) in
            reloader.source.setRegistrationHandler { registered.resume() }
            reloader.source.resume()
        }
        return reloader
    }

    func cancel() { source.cancel() }
}
