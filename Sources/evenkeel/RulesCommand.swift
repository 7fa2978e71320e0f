import ArgumentParser
import Foundation
import Watch

/// `evenkeel rules`: Prometheus rules equivalent to Watch's detectors, for monitoring past one machine.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Print Prometheus recording and alerting rules equivalent to Watch's detectors over the balancer's /metrics.",
        discussion: "Check them with `promtool check rules FILE`; the alerts carry the same diagnosis names and runbook links as Watch.")

    @Option(help: "Write the rules to this file instead of standard output.")
    var output: String?

    func run() throws {
        let text = try PrometheusRules.text()
        if let output {
            try text.write(toFile: output, atomically: true, encoding: .utf8)
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
