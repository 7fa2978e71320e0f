import ArgumentParser
import BalancerConfig
import Logging
import ServiceLifecycle
import UnixSignals
import Watch

/// `evenkeel watch`: monitors balancers and says when traffic goes wrong, and why; `test-notify` proves its
/// notification routes, `hash-token` makes an operator's token.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Watch balancers, and prove its notifications and operator tokens.",
        subcommands: [WatchRunCommand.self, TestNotifyCommand.self, HashTokenCommand.self],
        defaultSubcommand: WatchRunCommand.self)
}

/// `evenkeel watch [run]`: the monitor itself.
struct WatchRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Watch balancers: detect an uneven split, a surge, an attack or a sick backend within seconds, and say which.",
        discussion: """
            Serves a dashboard on --listen (/), the JSON API (/api/v1/status, /api/v1/incidents, /api/v1/incidents/ID, \
            /openapi.yaml) and its own /metrics. Incidents are kept in --db and survive restarts. \
            With --notify, incidents are routed to webhooks, Alertmanager, Slack and PagerDuty, worded for the NOC or \
            engineering (docs/examples/notify.yaml). Operators (operators: in --file) acknowledge, note and resolve \
            from the dashboard or `evenkeel incident`. Runbooks for each diagnosis: docs/runbooks/watch.md.
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

    @Option(help: "Notification routes and receivers (YAML, see docs/examples/notify.yaml).")
    var notify: String?

    @Option(name: .customLong("admin-token-file"), help: "A file with the balancers' admin token (their listeners.admin.token_file), for rollbacks.")
    var adminTokenFile: String?

    @Option(name: .customLong("auto-rollback"), help: "A pool whose configuration skews Watch rolls back by itself, announced (repeatable; '*' for every pool).")
    var autoRollback: [String] = []

    func run() async throws {
        var options = WatchOptions(balancers: balancers, haproxy: haproxy, configs: configs, listen: listen, db: db, interval: interval, file: file)
        options.nginxLogs = nginxLogs
        options.metrics = metrics
        options.adminTokenFile = adminTokenFile
        options.autoRollback = autoRollback
        let settings = try options.settings()
        var logger = Logger(label: "evenkeel.watch")
        logger.logLevel = .info
        let routes = try notify.map { path throws(ConfigError) in try NotifySettings.load(file: path) }
        let watch = try await WatchService(settings: settings, notify: routes, logger: logger) { port in
            say("Watch: dashboard http://\(settings.listenHost):\(port)/ · incidents http://\(settings.listenHost):\(port)/api/v1/incidents · watching \((settings.balancers + settings.haproxy + settings.nginxLogs + settings.configFiles).joined(separator: ", "))")
        }
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: watch)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// `evenkeel watch test-notify`: one test notification to every receiver, and what each answered.
struct TestNotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-notify",
        abstract: "Send a test notification to every receiver of a --notify file and report each answer.",
        discussion: "Exits 1 when any receiver did not take it.")

    @Option(help: "Notification routes and receivers (YAML).")
    var notify: String

    @Option(name: .customLong("watch-url"), help: "Watch's address for links in the message.")
    var watchURL = "http://127.0.0.1:9100"

    func run() async throws {
        let settings = try NotifySettings.load(file: notify)
        let results = await TestNotification.send(settings, linkBase: watchURL)
        for result in results {
            let answer = result.status.map { "HTTP \($0)" } ?? "no answer"
            say("\(result.ok ? "ok  " : "FAIL") \(result.receiver) (\(result.kind.rawValue), \(result.audience.rawValue)): \(result.problem ?? answer)")
        }
        if results.contains(where: { !$0.ok }) { throw ExitCode(1) }
    }
}

/// `evenkeel watch hash-token`: a new operator token and the line for Watch's configuration.
struct HashTokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash-token",
        abstract: "Make an operator token (or hash one given) and print the hash for operators: in Watch's configuration.")

    @Option(help: "An existing token to hash instead of making a new one.")
    var token: String?

    func run() throws {
        let token = self.token ?? Operator.newToken()
        if self.token == nil { say("token (give it to the operator; Watch keeps only the hash): \(token)") }
        say("token_sha256: \(Operator.hash(token: token))")
    }
}
