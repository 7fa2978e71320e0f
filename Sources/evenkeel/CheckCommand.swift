import ArgumentParser
import ConfigCheck
import Foundation

/// `evenkeel check`: catches balancer settings that skew traffic, before they are deployed.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check balancer configurations for settings that send traffic unevenly or overload servers.",
        discussion: """
            Reads Evenkeel balancer YAML files (a folder is walked for .yaml/.yml), runs every rule
            (docs/rules/<ID>.md) and simulates each pool's distribution with the balancer's own algorithms.

            Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 unreadable or invalid input.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "Configuration files or folders.")
    var paths: [String]

    @Option(help: "Output: text or json.")
    var format: Format = .text

    @Option(help: "Lowest severity that fails the check: info, warning or error.")
    var failOn: Severity = .warning

    @Option(help: "Distinct clients in the simulated traffic (a few model a NAT or CDN).")
    var clients: Int = 10_000

    @Option(help: "Requests in the simulated traffic per pool.")
    var requests: Int = 20_000

    func validate() throws {
        guard clients >= 1 else { throw ValidationError("--clients must be at least 1") }
        guard (100...10_000_000).contains(requests) else { throw ValidationError("--requests must be 100...10000000") }
    }

    func run() throws {
        let checker = ConfigChecker(traffic: TrafficModel(clients: clients, requests: requests))
        let report: CheckReport
        var sources: [String: SourceMap] = [:]
        do {
            report = try checker.check(paths: paths)
            for finding in report.findings where sources[finding.file] == nil {
                let text = (try? String(contentsOfFile: finding.file, encoding: .utf8)) ?? ""
                sources[finding.file] = SourceMap(file: finding.file, yaml: text)
            }
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
        switch format {
        case .text: print(TextReport.render(report, sources: sources), terminator: "")
        case .json: print(try JSONReport.render(report))
        }
        if let worst = report.worst, worst >= failOn { throw ExitCode(1) }
    }
}

extension Severity: ExpressibleByArgument {}
