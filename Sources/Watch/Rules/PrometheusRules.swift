import Foundation

/// Prometheus recording and alerting rules equivalent to Watch's detectors over the balancer's `/metrics`: share
/// ratio, Jain's index, skew unless surge, latency outlier, error ratio, backend down. For sites past one machine,
/// where Prometheus and Alertmanager do the watching; they see the same faults in minutes rather than seconds.
public enum PrometheusRules {
    /// Why the rules could not be read from the build.
    public struct Missing: Error, CustomStringConvertible {
        public var description: String { "the Prometheus rules are missing from this build (Watch's resource evenkeel-rules.yml)" }
    }

    /// The rule file's text, ready for `promtool check rules` and a Prometheus `rule_files` entry.
    public static func text() throws -> String {
        guard let url = Bundle.module.url(forResource: "evenkeel-rules", withExtension: "yml") else { throw Missing() }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
