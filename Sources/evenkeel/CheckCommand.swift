import ArgumentParser
import BalancerConfig
import ConfigCheck
import Foundation

/// `evenkeel check`: catches balancer settings that skew traffic, before they are deployed, and measures the
/// real distribution through a running balancer.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check balancer configurations (Evenkeel, HAProxy, nginx) for settings that send traffic unevenly.",
        discussion: """
            Static: reads each file (a folder is walked for .yaml, .yml, .cfg and .conf), detects its dialect \
            (or takes --dialect), runs every rule (docs/rules/<ID>.md) and simulates each pool's distribution with \
            the balancer's own algorithms.

            Live: --live http://HOST:PORT --config FILE sends --requests probes through the running balancer, \
            counts the backend header and compares the observed shares with the configuration's intended ones.

            Exit codes: 0 no finding at or above --fail-on (live: shares within --tolerance), 1 findings at or \
            above it (live: shares beyond the tolerance, a backend answering that should not, or an intended one silent), 2 unreadable or \
            invalid input.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, sarif
    }

    @Argument(help: "Configuration files or folders.")
    var paths: [String] = []

    @Option(help: "The configuration language: evenkeel, haproxy or nginx (detected from the content when not given).")
    var dialect: Dialect?

    @Option(help: "Output: text, json or sarif.")
    var format: Format = .text

    @Option(help: "Lowest severity that fails the check: info, warning or error.")
    var failOn: Severity = .warning

    @Option(help: "Distinct clients in the simulated traffic (a few model a NAT or CDN).")
    var clients: Int = 10_000

    @Option(help: "Requests in the simulated traffic per pool.")
    var simulatedRequests: Int = 20_000

    @Option(help: "Days before a served certificate's expiry from which EK123 warns.")
    var certificateDays: Int = 21

    @Option(help: "Live check: the running balancer, http://HOST:PORT[/PATH].")
    var live: String?

    @Option(help: "Live check: the configuration the balancer runs (its intended shares).")
    var config: String?

    @Option(help: "Live check: the pool the probes go to, when the configuration has several (HAProxy backend, nginx upstream).")
    var pool: String?

    @Option(help: "Live check: probe requests to send.")
    var requests: Int = 1000

    @Option(help: "Live check: largest accepted observed/intended share ratio.")
    var tolerance: Double = 1.2

    @Option(help: "Live check: the response header naming the backend (for HAProxy or nginx configured to add one).")
    var backendHeader: String?

    func validate() throws {
        guard clients >= 1 else { throw ValidationError("--clients must be at least 1") }
        guard (100...10_000_000).contains(simulatedRequests) else { throw ValidationError("--simulated-requests must be 100...10000000") }
        guard (1...3650).contains(certificateDays) else { throw ValidationError("--certificate-days must be 1...3650") }
        if live == nil {
            guard !paths.isEmpty else { throw ValidationError("name configuration files or folders to check, or --live with --config") }
        } else {
            guard config != nil else { throw ValidationError("--live needs --config FILE: the configuration whose intended shares to compare with") }
            guard format != .sarif else { throw ValidationError("--format sarif is for static findings; use text or json with --live") }
        }
    }

    func run() async throws {
        if let live, let config { return try await runLive(target: live, configPath: config) }
        let checker = ConfigChecker(
            rules: allRules(certificateWarningDays: certificateDays), traffic: TrafficModel(clients: clients, requests: simulatedRequests))
        let report: CheckReport
        do {
            report = try checker.check(paths: paths, dialect: dialect)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
        switch format {
        case .text: print(TextReport.render(report), terminator: "")
        case .json: print(try JSONReport.render(report))
        case .sarif: print(try SARIFReport.render(report, rules: allRules))
        }
        if let worst = report.worst, worst >= failOn { throw ExitCode(1) }
    }

    /// Probes the running balancer and compares what answers with what the configuration intends.
    func runLive(target: String, configPath: String) async throws {
        let check: LiveCheck
        do {
            // The file is read and parsed once.
            let text = try CheckedConfig.text(at: configPath)
            var distribution: IntendedDistribution
            if try CheckedConfig.dialect(of: text, file: configPath, given: dialect) == .evenkeel {
                let configuration = try BalancerConfigLoader.parse(yaml: text, file: configPath)
                if let pool {
                    let model = CheckedConfig(configuration: configuration, source: SourceMap(file: configPath, yaml: text))
                    distribution = try IntendedDistribution.of(model, pool: pool, backendHeader: configuration.backendHeader)
                } else {
                    // The pool the balancer routes the probe path to.
                    let path = URLComponents(string: target)?.path ?? ""
                    distribution = try IntendedDistribution.evenkeel(configuration, path: path.isEmpty ? "/" : path, file: configPath)
                }
            } else {
                distribution = try IntendedDistribution.of(
                    CheckedConfig.parse(text, file: configPath, dialect: dialect), pool: pool,
                    backendHeader: BalancerConfiguration.defaultBackendHeader)
            }
            if let backendHeader { distribution.backendHeader = backendHeader }
            check = try LiveCheck(target: target, distribution: distribution, requests: requests, tolerance: tolerance)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
        let result = await check.run()
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        default:
            print(result.text, terminator: result.text.hasSuffix("\n") ? "" : "\n")
        }
        if result.verdict == .fail { throw ExitCode(1) }
    }
}

extension Severity: ExpressibleByArgument {}
extension Dialect: ExpressibleByArgument {}
