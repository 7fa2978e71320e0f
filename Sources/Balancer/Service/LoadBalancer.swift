import BalancerAPI
import BalancerConfig
import Foundation
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// One balancer instance: proxy and admin listeners, the live configuration generation, health checks,
/// metrics and the reload log. ``BalancerService`` runs it under ServiceLifecycle.
public final class LoadBalancer: Sendable {
    /// Live configuration and pools.
    public let runtime: BalancerRuntime
    /// This instance's Prometheus registry and metrics.
    public let metrics: BalancerMetrics
    /// Reload events, newest last.
    public let events = ReloadEventLog()
    /// The file reloads read, if the configuration came from one.
    public let configPath: String?
    /// The configurations applied lately, for `GET /admin/configs` and rollbacks.
    public let history: ConfigHistory
    let checker: ReloadChecker?
    let logger: Logger
    let group: any EventLoopGroup
    let proxy: ProxyServer
    let admin = AdminServer()
    private let healthTask = Mutex<Task<Void, Never>?>(nil)
    /// Reloads and rollbacks run here, one at a time and in the order asked: off the event loops, off the
    /// caller's task (they read files and run the checker's simulation), and off the SIGHUP handler.
    private let reloads: DispatchQueue
    private static let reloadQueueKey = DispatchSpecificKey<Bool>()

    /// Whether the caller runs on a balancer's reload queue (where reloads, rollbacks and the checker run).
    package static var isOnReloadQueue: Bool { DispatchQueue.getSpecific(key: reloadQueueKey) == true }

    /// Creates a balancer for `configuration`; `configPath` is re-read on reload; `checker` may veto reloads.
    public init(
        configuration: BalancerConfiguration, configPath: String? = nil, checker: ReloadChecker? = nil,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger = Logger(label: "evenkeel.balancer")
    ) {
        reloads = DispatchQueue(label: "evenkeel.balancer.reloads")
        reloads.setSpecific(key: Self.reloadQueueKey, value: true)
        metrics = BalancerMetrics()
        runtime = BalancerRuntime(config: configuration, metrics: metrics, log: BalancerLog(logger: logger))
        self.configPath = configPath
        history = ConfigHistory(configPath: configPath, logger: logger)
        self.checker = checker
        self.group = group
        self.logger = logger
        proxy = ProxyServer(runtime: runtime, group: group)
        metrics.recordInitialLoad(at: Date().timeIntervalSince1970)
    }

    /// Opens the access log if the configuration has one, binds both listeners and starts health checks; returns
    /// the bound ports.
    public func start() async throws -> ListeningPorts {
        let config = runtime.generation.config
        if let accessLog = config.accessLog { try runtime.accessLog.open(path: accessLog.path) }
        if let tls = config.listeners.proxyTLS { proxy.serve(try ServedCertificates(tls, relativeTo: configFolder)) }
        let proxyPort = try await proxy.start(host: config.listeners.proxy.host, port: config.listeners.proxy.port)
        let adminPort: Int
        do {
            adminPort = try await admin.start(host: config.listeners.admin.host, port: config.listeners.admin.port, group: group, balancer: self)
        } catch {
            await proxy.stop(deadline: .zero)
            throw error
        }
        restartHealthChecks()
        if let configPath, let text = try? String(contentsOfFile: configPath, encoding: .utf8),
            (try? BalancerConfigLoader.parse(yaml: text, file: configPath).configHash) == runtime.generation.hash
        {
            history.record(ConfigVersion(hash: runtime.generation.hash, appliedAt: Date(), trigger: "start", diff: "", text: text))
        }
        if config.listeners.adminTokenFile == nil && !Self.isLoopback(config.listeners.admin.host) {
            logger.warning(
                "the admin listener is not on loopback and has no token_file: reload, rollback and drain are refused until one is set",
                metadata: ["admin": "\(config.listeners.admin)"])
        }
        logger.info("balancer listening", metadata: ["proxy": "\(config.listeners.proxy.host):\(proxyPort)", "admin": "\(config.listeners.admin.host):\(adminPort)", "config_hash": "\(runtime.generation.hash)"])
        return ListeningPorts(proxy: proxyPort, admin: adminPort)
    }

    /// Graceful stop: stop accepting, let in-flight exchanges finish (up to `deadline`), close the rest.
    public func stop(deadline: Duration = .seconds(30)) async {
        healthTask.withLock { $0?.cancel() }
        await proxy.stop(deadline: deadline)
        await admin.stop()
        runtime.accessLog.close()
        logger.info("balancer stopped")
    }

    private func restartHealthChecks() {
        let generation = runtime.generation
        let group = self.group
        healthTask.withLock { task in
            task?.cancel()
            task = Task { await HealthChecker.run(generation: generation, group: group) }
        }
    }

    /// The current `/admin/stats` report.
    public func stats() -> StatsReport { StatsReport(generation: runtime.generation) }

    /// The current `/metrics` text.
    public func metricsText() -> String { metrics.render(stats(), accessLog: runtime.accessLog, edge: proxy.servesTLS ? proxy.edge : nil) }

    /// The folder relative file names in the configuration are read from: the configuration file's, or the
    /// working directory when the configuration came from elsewhere.
    var configFolder: String? { configPath.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path } }

    /// Marks a backend draining (or back in service). Returns false if there is no such backend.
    public func setDraining(_ draining: Bool, pool: String, backend: String) -> Bool {
        guard let p = runtime.generation.pools.first(where: { $0.config.name == pool }),
            let b = p.backends.first(where: { $0.config.name == backend })
        else { return false }
        b.setDraining(draining)
        logger.info("backend drain changed", metadata: ["pool": "\(pool)", "backend": "\(backend)", "draining": "\(draining)"])
        return true
    }

    /// Re-reads ``configPath`` and reloads from it (`POST /admin/reload`), after any reload already asked for.
    @discardableResult
    public func reload(trigger: String) async -> ReloadEvent {
        await onReloadQueue { self.reloadNow(trigger: trigger) }
    }

    /// Queues a reload from ``configPath`` and returns at once (SIGHUP): the event is in ``events`` when done.
    public func queueReload(trigger: String) {
        reloads.async { _ = self.reloadNow(trigger: trigger) }
    }

    /// Runs `work` on the reload queue and waits for its result without holding a thread.
    private func onReloadQueue<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { finished in
            reloads.async { finished.resume(returning: work()) }
        }
    }

    private func reloadNow(trigger: String) -> ReloadEvent {
        guard let configPath else {
            return record(trigger: trigger, result: .refused, newHash: nil, diff: "", error: "the balancer was not started from a configuration file", warnings: [])
        }
        let text: String
        do {
            text = try String(contentsOfFile: configPath, encoding: .utf8)
        } catch {
            return record(
                trigger: trigger, result: .refused, newHash: nil, diff: "", error: "cannot read \(configPath): \(error.localizedDescription)", warnings: [])
        }
        do {
            return apply(try BalancerConfigLoader.parse(yaml: text, file: configPath), text: text, trigger: trigger)
        } catch {
            return record(trigger: trigger, result: .refused, newHash: nil, diff: "", error: error.description, warnings: [])
        }
    }

    /// Why a rollback could not even be tried.
    public enum RollbackError: Error, CustomStringConvertible, Equatable {
        /// The balancer has no configuration file to write the rolled-back text to.
        case noConfigurationFile
        /// No kept configuration has that hash, or none is older than the serving one.
        case noSuchVersion(String?)

        public var description: String {
            switch self {
            case .noConfigurationFile: "the balancer was not started from a configuration file"
            case .noSuchVersion(let hash?): "no kept configuration has hash \(hash) (GET /admin/configs lists them)"
            case .noSuchVersion(nil): "no configuration older than the serving one is kept"
            }
        }
    }

    /// Goes back to the configuration applied before the serving one, or to the kept one with `hash`: through the
    /// same gate as a reload (a rollback the checker refuses is refused), and, once applied, written back to the
    /// configuration file atomically, so the next SIGHUP does not undo it.
    public func rollback(to hash: String? = nil, trigger: String = "rollback") async throws(RollbackError) -> ReloadEvent {
        let outcome = await onReloadQueue { () -> Result<ReloadEvent, RollbackError> in
            do throws(RollbackError) {
                return .success(try self.rollbackNow(to: hash, trigger: trigger))
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }

    private func rollbackNow(to hash: String?, trigger: String) throws(RollbackError) -> ReloadEvent {
        guard let configPath else { throw .noConfigurationFile }
        let current = runtime.generation.hash
        guard let target = hash.map({ history.version(hash: $0) }) ?? history.previous(before: current) else {
            throw .noSuchVersion(hash)
        }
        let config: BalancerConfiguration
        do {
            config = try BalancerConfigLoader.parse(yaml: target.text, file: configPath)
        } catch {
            return record(trigger: trigger, result: .refused, newHash: target.hash, diff: "", error: "the kept text no longer loads: \(error)", warnings: [])
        }
        return apply(config, text: target.text, trigger: trigger) {
            // Written on the reload queue, so no SIGHUP reads the file between the swap and the write.
            try Data(target.text.utf8).write(to: URL(fileURLWithPath: configPath), options: .atomic)
        }
    }

    /// Validates and installs `config`: the external checker's errors refuse it; otherwise the new
    /// generation is swapped in atomically and requests in flight finish on the old pools.
    @discardableResult
    public func reload(to config: BalancerConfiguration, trigger: String) async -> ReloadEvent {
        await onReloadQueue { self.apply(config, text: nil, trigger: trigger) }
    }

    /// Installs `config` (see ``reload(to:trigger:)``); `text`, when known, is kept in the history; `afterSwap`
    /// runs once it is serving (its error is reported in the event's `error`). Runs on the reload queue only.
    private func apply(
        _ config: BalancerConfiguration, text: String?, trigger: String, afterSwap: () throws -> Void = {}
    ) -> ReloadEvent {
        dispatchPrecondition(condition: .onQueue(reloads))
        do {
            let old = runtime.generation
            let diff = ConfigDiff(from: old.config, to: config)
            let findings = checker?(config) ?? []
            var warnings = findings.filter { $0.severity == .warning }.map(\.message)
            let errors = findings.filter { $0.severity == .error }.map(\.message)
            if !errors.isEmpty {
                return record(trigger: trigger, result: .refused, newHash: config.configHash, diff: diff.description, error: errors.joined(separator: "; "), warnings: warnings)
            }
            // Opened again even when nothing changed: a reload is how log rotation hands over a fresh file.
            if let accessLog = config.accessLog {
                do {
                    try runtime.accessLog.open(path: accessLog.path)
                } catch {
                    return record(trigger: trigger, result: .refused, newHash: config.configHash, diff: diff.description, error: "\(error)", warnings: warnings)
                }
            }
            // Read again on every reload, changed or not: renewing a certificate rewrites its files, not the configuration.
            // A listener started without TLS cannot take it up (nor drop it) until a restart.
            if let tls = config.listeners.proxyTLS, proxy.servesTLS {
                do {
                    proxy.serve(try ServedCertificates(tls, relativeTo: configFolder))
                } catch {
                    return record(trigger: trigger, result: .refused, newHash: config.configHash, diff: diff.description, error: error.description, warnings: warnings)
                }
            }
            if config.configHash == old.hash {
                return record(trigger: trigger, result: .unchanged, newHash: config.configHash, diff: diff.description, error: nil, warnings: warnings)
            }
            if Self.needsRestart(from: old.config.listeners, to: config.listeners) {
                warnings.append("listener changes take effect only after a restart")
            }
            runtime.install(config)
            if config.accessLog == nil { runtime.accessLog.close() }
            restartHealthChecks()
            if let text {
                history.record(ConfigVersion(hash: config.configHash, appliedAt: Date(), trigger: trigger, diff: diff.description, text: text))
            }
            do {
                try afterSwap()
            } catch {
                warnings.append("serving it, but the configuration file was not rewritten: \(error.localizedDescription)")
            }
            return record(
                trigger: trigger, result: .applied, previousHash: old.hash, newHash: config.configHash, diff: diff.description, error: nil,
                warnings: warnings)
        }
    }

    /// The token state-changing admin calls must carry, read from `listeners.admin.token_file` (relative to the
    /// configuration file's folder); nil when none is configured. A file that cannot be read gives a token nobody
    /// has, so the calls are refused rather than opened.
    public func adminToken() -> String? {
        guard let file = runtime.generation.config.listeners.adminTokenFile else { return nil }
        let base = URL(fileURLWithPath: configFolder ?? FileManager.default.currentDirectoryPath)
        let url = file.hasPrefix("/") ? URL(fileURLWithPath: file) : base.appendingPathComponent(file)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return "\u{0}unreadable token file" }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? "\u{0}empty token file" : token
    }

    /// Whether state-changing admin calls without a token are taken: only on a loopback admin listener.
    var acceptsUnauthenticatedChanges: Bool { Self.isLoopback(runtime.generation.config.listeners.admin.host) }

    /// Whether going from `old` to `new` changes what only a restart applies: addresses, ports, the admin token
    /// file, or TLS being on or off. New certificates, versions and ALPN apply to new connections at once.
    static func needsRestart(from old: ListenersConfig, to new: ListenersConfig) -> Bool {
        var old = old, new = new
        if old.proxyTLS != nil && new.proxyTLS != nil { old.proxyTLS = new.proxyTLS }
        return old != new
    }

    static func isLoopback(_ host: String) -> Bool { host == "127.0.0.1" || host == "::1" || host == "localhost" || host.hasPrefix("127.") }

    private func record(
        trigger: String, result: ReloadEvent.Result, previousHash: String? = nil, newHash: String?, diff: String, error: String?, warnings: [String]
    ) -> ReloadEvent {
        let now = Date()
        let event = ReloadEvent(
            time: now, trigger: trigger, result: result, previousHash: previousHash ?? runtime.generation.hash, newHash: newHash,
            diff: diff, error: error, warnings: warnings)
        events.append(event)
        if result != .unchanged { metrics.recordReload(applied: result == .applied, at: now.timeIntervalSince1970) }
        let metadata: Logger.Metadata = ["trigger": "\(trigger)", "hash": "\(newHash ?? "-")", "diff": "\(diff)"]
        switch result {
        case .applied, .unchanged: logger.info("configuration reload \(result.rawValue)", metadata: metadata)
        case .refused: logger.error("configuration reload refused: \(error ?? "")", metadata: metadata)
        }
        return event
    }
}
