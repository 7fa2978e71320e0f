import ArgumentParser
import Cluster
import Foundation
import Hummingbird
import JobBoard
import Logging
import ServiceLifecycle
import UnixSignals

/// `evenkeel serve`: one job-board replica.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run one job-board replica (JSON API, pages, /metrics).")

    @Option(help: "Database: sqlite:PATH (embedded) or postgres://user:password@host:port/database.")
    var db: String = "sqlite:evenkeel.sqlite"

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port: Int = 8080

    @Option(help: "Name sent in X-Evenkeel-Replica on every response.")
    var replicaName: String = "replica-1"

    @Flag(help: "Turn rate limits off (for load tests).")
    var noRateLimits = false

    @Option(
        name: .customLong("rate-limit"),
        help: "Change a rate limit: ACTION=BURST/PER_MINUTE (login, registration, posting, applying). Repeatable.")
    var rateLimitChanges: [String] = []

    @Flag(help: "Take client addresses from X-Forwarded-For (only behind a trusted balancer).")
    var trustForwardedFor = false

    @Option(help: "Seconds /readyz fails before the server stops on SIGTERM, so balancers drain it first.")
    var drainSeconds: Double = 2

    @Option(help: "Stop when this process exits (set by `evenkeel up` for its replicas).")
    var parentPid: Int32?

    @Flag(name: .customLong("fault-injection"), help: "Serve POST/GET/DELETE /admin/faults (loopback callers only) so drills can inject latency and errors. Never in production.")
    var faultInjection = false

    @Option(help: "bcrypt cost for new passwords (4...31).")
    var bcryptCost: UInt8 = 12

    func validate() throws {
        _ = try parsedDatabase()
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0...65535") }
        guard (4...31).contains(bcryptCost) else { throw ValidationError("--bcrypt-cost must be 4...31") }
        _ = try rateLimits()
        guard drainSeconds >= 0 && drainSeconds <= 300 else { throw ValidationError("--drain-seconds must be 0...300") }
    }

    func rateLimits() throws -> RateLimits? {
        if noRateLimits { return nil }
        var limits = RateLimits()
        for change in rateLimitChanges {
            do { try limits.apply(change) } catch { throw ValidationError(error.description) }
        }
        return limits
    }

    func parsedDatabase() throws -> DatabaseLocation {
        do { return try DatabaseLocation(parsing: db) } catch { throw ValidationError(error.description) }
    }

    func run() async throws {
        var logger = Logger(label: "evenkeel.serve")
        logger[metadataKey: "replica"] = "\(replicaName)"
        let store = try await parsedDatabase().open()
        var configuration = JobBoardConfiguration(
            host: host, port: port, replicaName: replicaName, rateLimits: try rateLimits(),
            trustForwardedFor: trustForwardedFor,
            drainDelay: .milliseconds(Int(drainSeconds * 1000)), bcryptCost: bcryptCost)
        configuration.faultInjection = faultInjection
        let (app, parts) = try await buildJobBoardApplication(
            configuration: configuration, store: store, logger: logger,
            onServerRunning: { port in
                // One machine-readable line, so `evenkeel up` and scripts learn the port when started with 0.
                let line = "evenkeel serve: listening on http://\(host):\(port) as \(replicaName)\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            })
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: app), .init(service: parts.drain)]
        if let parentPid {
            services.append(.init(service: ParentWatchService(parent: parentPid), successTerminationBehavior: .gracefullyShutdownGroup))
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        try await store.close()
    }
}
