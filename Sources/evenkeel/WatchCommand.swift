import ArgumentParser
import BalancerConfig
import Logging
import ServiceLifecycle
import UnixSignals
import Watch

/// `evenkeel watch`: monitors balancers and says when traffic goes wrong, and why.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Watch balancers: detect an uneven split, a surge, an attack or a sick backend within seconds, and say which.",
        discussion: """
            Serves a dashboard on --listen (/), the JSON API (/api/v1/status, /api/v1/incidents, /api/v1/incidents/ID, \
            /openapi.yaml) and its own /metrics. Incidents are kept in --db and survive restarts. \
            Runbooks for each diagnosis: docs/runbooks/watch.md.
            """)

    @Option(name: .customLong("balancer"), help: "Admin base URL of an Evenkeel balancer (repeatable; several in front of the same pools are merged).")
    var balancers: [String] = []

    @Option(help: "HAProxy statistics in CSV, e.g. http://127.0.0.1:8404/stats;csv (repeatable).")
    var haproxy: [String] = []

    @Option(name: .customLong("nginx-log"), help: "An nginx access log written with Evenkeel's log format (docs/runbooks/watch.md), followed across rotation (repeatable).")
    var nginxLogs: [String] = []

    @Option(name: .customLong("metrics"), help: "A replica's own metrics as BACKEND=URL (e.g. replica-1=http://127.0.0.1:7001/metrics), for its latency and errors as it sees them (repeatable).")
    var metrics: [String] = []

    @Option(name: .customLong("config"), help: "A balancer configuration file (Evenkeel, HAProxy or nginx) whose changes are recorded with ConfigCheck's diff and findings (repeatable).")
    var configs: [String] = []

    @Option(help: "Address of the dashboard and API (host:port).")
    var listen: String?

    @Option(help: "Incident database (SQLite).")
    var db: String?

    @Option(help: "How often sources are read, e.g. 1s or 500ms.")
    var interval: String?

    @Option(help: "Settings from a YAML file (the same settings as these options; options given here win).")
    var file: String?

    func run() async throws {
        var options = WatchOptions(balancers: balancers, haproxy: haproxy, configs: configs, listen: listen, db: db, interval: interval, file: file)
        options.nginxLogs = nginxLogs
        options.metrics = metrics
        let settings = try options.settings()
        var logger = Logger(label: "evenkeel.watch")
        logger.logLevel = .info
        let watch = try await WatchService(settings: settings, logger: logger) { port in
            say("Watch: dashboard http://\(settings.listenHost):\(port)/ · incidents http://\(settings.listenHost):\(port)/api/v1/incidents · watching \((settings.balancers + settings.haproxy + settings.nginxLogs + settings.configFiles).joined(separator: ", "))")
        }
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: watch)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
