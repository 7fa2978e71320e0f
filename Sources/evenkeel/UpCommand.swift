import ArgumentParser
import Balancer
import BalancerConfig
import Cluster
import ConfigCheck
import Foundation
import JobBoard
import Logging
import TLSMaterial
import ServiceLifecycle
import UnixSignals
import Watch

/// `evenkeel up`: the whole platform on one machine — replicas sharing one SQLite file, the balancer in front.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Seed a SQLite database if it is empty, start job-board replicas on it and the balancer in front.",
        discussion: "Ctrl-C or SIGTERM drains and stops the balancer and every replica.")

    @Option(help: "Folder for the database and the generated balancer configuration.")
    var directory: String = ".evenkeel"

    @Option(help: "Jobs to seed into an empty database.")
    var seedJobs: Int = 10_000

    @Option(help: "How many `serve` replicas to start.")
    var replicas: Int = 3

    @Option(help: "Port of the site (the balancer's proxy listener).")
    var port: Int = 8080

    @Option(help: "Port of the balancer's admin listener (/admin/stats, /metrics).")
    var adminPort: Int = 9090

    @Option(help: "Port of Watch's dashboard and API.")
    var watchPort: Int = 9100

    @Option(help: "Watch's notification routes and receivers (YAML, see docs/examples/notify.yaml).")
    var notify: String?

    @Flag(help: "Let Watch roll back a configuration change that skews traffic by itself (announced in the incident).")
    var autoRollback = false

    @Flag(help: "Serve the site over HTTPS (HTTP/2 and HTTP/1.1) with a self-signed certificate for localhost and 127.0.0.1, kept in --directory.")
    var tls = false

    func validate() throws {
        guard (1...16).contains(replicas) else { throw ValidationError("--replicas must be 1...16") }
        guard (0...1_000_000).contains(seedJobs) else { throw ValidationError("--seed-jobs must be 0...1000000") }
        for (name, value) in [("--port", port), ("--admin-port", adminPort), ("--watch-port", watchPort)] where !(0...65535).contains(value) {
            throw ValidationError("\(name) must be 0...65535")
        }
    }

    func run() async throws {
        let logger = Logger(label: "evenkeel.up")
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let database = folder.appendingPathComponent("jobboard.sqlite").path

        let store = try await DatabaseLocation.sqlite(path: database).open()
        if try await store.jobCount() == 0 {
            say("seeding \(seedJobs) jobs into \(database)…")
            _ = try await Seeder(service: JobBoardService(store: store)).seed(jobs: seedJobs)
        }
        try await store.close()

        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var started: [ReplicaProcess] = []
        do {
            for index in 1...replicas {
                started.append(
                    try await ReplicaProcess.start(
                        executable: executable, name: "replica-\(index)",
                        arguments: ["--db", "sqlite:\(database)", "--trust-forwarded-for"]))
            }
        } catch {
            for replica in started { await replica.stop() }
            throw error
        }
        let fleet = started
        let configPath = folder.appendingPathComponent("balancer.yaml").path
        let accessLogPath = folder.appendingPathComponent("access.log").path
        // The admin API's token for reloads and rollbacks, readable by this user only; Watch uses it to roll back.
        let adminTokenPath = folder.appendingPathComponent("admin-token").path
        if !FileManager.default.fileExists(atPath: adminTokenPath) {
            guard
                FileManager.default.createFile(
                    atPath: adminTokenPath, contents: Data((Operator.newToken() + "\n").utf8), attributes: [.posixPermissions: 0o600])
            else { throw ValidationError("could not write the admin token to \(adminTokenPath)") }
        }
        let certificate = tls ? try LocalCertificate.ensure(in: folder) : nil
        let scheme = tls ? "https" : "http"
        try LocalBalancerConfig.yaml(
            replicas: fleet.map { ($0.name, $0.port) }, proxyPort: port, adminPort: adminPort, accessLogPath: accessLogPath,
            adminTokenFile: "admin-token", tls: certificate
        ).write(toFile: configPath, atomically: true, encoding: .utf8)

        var watchSettings = WatchSettings(
            balancers: ["http://127.0.0.1:\(adminPort)"], listenPort: watchPort,
            databasePath: folder.appendingPathComponent("watch.sqlite").path)
        // Each replica's own view of its latency and errors, next to the balancer's.
        watchSettings.replicaMetrics = Dictionary(uniqueKeysWithValues: fleet.map { ($0.name, "http://127.0.0.1:\($0.port)/metrics") })
        // One operator for this run, so incidents can be acknowledged from the dashboard and the CLI at once.
        let token = Operator.newToken()
        let person = ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "operator"
        watchSettings.operators = [Operator(name: person, team: .engineering, tokenSHA256: Operator.hash(token: token))]
        watchSettings.adminTokenFile = adminTokenPath
        if autoRollback { watchSettings.autoRollback = .every }
        let routes = try notify.map { path throws(ConfigError) in try NotifySettings.load(file: path) }
        let watch = try await WatchService(settings: watchSettings, notify: routes, logger: Logger(label: "evenkeel.watch")) { port in
            say("  watch:        http://127.0.0.1:\(port)/ (incidents: http://127.0.0.1:\(port)/api/v1/incidents)")
            say("  operator:     \(person), token \(token) (log in at http://127.0.0.1:\(port)/login, or export EVENKEEL_WATCH_TOKEN=\(token))")
            if let notify { say("  notify:       \(notify) (\(routes?.receivers.count ?? 0) receivers)") }
        }
        let balancer = try BalancerService(configPath: configPath, checker: ConfigChecker().reloadChecker(), logger: logger) { ports in
            say("""

                Evenkeel is up: \(fleet.count) replicas behind the balancer.
                  site:         \(scheme)://127.0.0.1:\(ports.proxy)/\(certificate.map { _ in " (self-signed: \(folder.path)/localhost.pem; curl -k, or trust it)" } ?? "")
                  API:          \(scheme)://127.0.0.1:\(ports.proxy)/api/v1/jobs?q=swift
                  admin stats:  http://127.0.0.1:\(ports.admin)/admin/stats
                  metrics:      http://127.0.0.1:\(ports.admin)/metrics
                  replicas:     \(fleet.map { "\($0.name) on :\($0.port)" }.joined(separator: ", "))
                  config:       \(configPath) (edit it, then `kill -HUP \(getpid())` or POST /admin/reload)
                  admin token:  \(adminTokenPath) (reload: curl -X POST -H "Authorization: Bearer $(cat \(adminTokenPath))" 127.0.0.1:\(ports.admin)/admin/reload)
                  access log:   \(accessLogPath)
                Log in as employer1@example.com / password-1 or seeker1@example.com / password-1. Ctrl-C stops everything.

                """)
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: ReplicaFleet(replicas: fleet)), .init(service: balancer), .init(service: watch)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// Keeps the replicas for the life of `up` and stops them after the balancer has drained
/// (services shut down in reverse order, so the balancer goes first).
struct ReplicaFleet: Service {
    let replicas: [ReplicaProcess]

    func run() async throws {
        try? await gracefulShutdown()
        await withTaskGroup(of: Void.self) { group in
            for replica in replicas { group.addTask { await replica.stop() } }
        }
    }
}

/// Prints a line now, even when standard output is a file or pipe (where `print` would hold it in a buffer).
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
