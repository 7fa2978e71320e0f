import BalancerConfig

/// The command line of `evenkeel watch`, turned into settings: a file first (when given), the options over it.
public struct WatchOptions: Sendable, Equatable {
    public var balancers: [String]
    public var haproxy: [String]
    public var nginxLogs: [String] = []
    /// `NAME=URL`: a replica's own metrics, NAME its backend name.
    public var metrics: [String] = []
    public var configs: [String]
    public var listen: String?
    public var db: String?
    public var interval: String?
    public var file: String?
    /// A file with the balancers' admin token, for rollbacks.
    public var adminTokenFile: String?
    /// Pools rolled back by themselves; `*` for every pool.
    public var autoRollback: [String] = []

    public init(
        balancers: [String] = [], haproxy: [String] = [], configs: [String] = [], listen: String? = nil, db: String? = nil,
        interval: String? = nil, file: String? = nil
    ) {
        self.balancers = balancers
        self.haproxy = haproxy
        self.configs = configs
        self.listen = listen
        self.db = db
        self.interval = interval
        self.file = file
    }

    /// A wrong option, said as the option and what it needs.
    public struct Invalid: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// The settings these options give.
    public func settings() throws -> WatchSettings {
        var settings = try file.map { path throws(ConfigError) in try WatchSettings.load(file: path) } ?? WatchSettings()
        if !balancers.isEmpty {
            for url in balancers where !url.hasPrefix("http://") {
                throw Invalid(description: "--balancer \(url): an admin base URL such as http://127.0.0.1:9090 is needed")
            }
            settings.balancers = balancers
        }
        for url in haproxy where !url.hasPrefix("http://") {
            throw Invalid(description: "--haproxy \(url): a statistics URL such as http://127.0.0.1:8404/stats;csv is needed")
        }
        if !haproxy.isEmpty { settings.haproxy = haproxy }
        if !configs.isEmpty { settings.configFiles = configs }
        if !nginxLogs.isEmpty { settings.nginxLogs = nginxLogs }
        for item in metrics {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].hasPrefix("http://") else {
                throw Invalid(description: "--metrics \(item): BACKEND=http://HOST:PORT/metrics is needed, BACKEND as the balancer names it")
            }
            settings.replicaMetrics[parts[0]] = parts[1]
        }
        guard settings.hasSources else {
            throw Invalid(description: "name at least one --balancer, --haproxy or --nginx-log (or balancers:, haproxy:, nginx_logs: in --file)")
        }
        if let listen {
            guard let address = WatchSettings.parseListen(listen) else { throw Invalid(description: "--listen \(listen): host:port is needed") }
            (settings.listenHost, settings.listenPort) = address
        }
        if let db { settings.databasePath = db }
        if let adminTokenFile { settings.adminTokenFile = adminTokenFile }
        if !autoRollback.isEmpty { settings.autoRollback = autoRollback.contains("*") ? .every : .pools(Set(autoRollback)) }
        if let interval {
            guard let duration = DurationText.parse(interval), duration >= .milliseconds(100), duration <= .seconds(60) else {
                throw Invalid(description: "--interval \(interval): a duration from 100ms to 60s is needed, e.g. 1s")
            }
            settings.interval = duration
        }
        return settings
    }
}
