import ArgumentParser
import Balancer
import BalancerConfig
import ConfigCheck
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// `evenkeel balance --config FILE`: runs the load balancer alone until SIGTERM or SIGINT.
struct BalanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "balance",
        abstract: "Run the HTTP load balancer in front of the backends listed in a YAML file.",
        discussion: """
            The file format is documented in docs/balancer-config.md. SIGHUP (or POST /admin/reload on the \
            admin port) reloads the file: an invalid file is refused and the running configuration keeps \
            serving. SIGTERM/SIGINT stop accepting, finish in-flight requests, then exit.

            Exit codes: 0 after a clean shutdown, 64 when the configuration is invalid, 1 on other errors.
            """)

    @Option(name: .long, help: "Path of the balancer configuration file (YAML).")
    var config: String

    @Flag(name: .long, help: "Only load and validate the configuration, print its hash, then exit.")
    var checkOnly = false

    @Option(name: .long, help: "Event loop threads serving connections (default: one per core).")
    var threads: Int?

    func validate() throws {
        if let threads, !(1...256).contains(threads) {
            throw ValidationError("--threads must be between 1 and 256, got \(threads)")
        }
    }

    func run() async throws {
        var logger = Logger(label: "evenkeel.balancer")
        logger.logLevel = .info
        let service: BalancerService
        do {
            service = try BalancerService(configPath: config, eventLoops: threads, checker: ConfigChecker().reloadChecker(), logger: logger) { ports in
                print("evenkeel balance: proxy on port \(ports.proxy), admin on port \(ports.admin) (/admin/stats, /metrics)")
            }
        } catch {
            printError(error.description)
            throw ExitCode(64)
        }
        if checkOnly {
            print("configuration OK, hash \(service.balancer.runtime.generation.hash)")
            return
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

private func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
