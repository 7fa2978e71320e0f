import ConfigCheck
import Foundation
import Testing

@Suite("SARIF 2.1.0 output")
struct SARIFReportTests {
    /// Three findings on known rules (one per severity, in three kinds of path) and one on a rule that is
    /// not in the rule list, without a line.
    static func report() -> CheckReport {
        let first = type(of: allRules[0]).id
        let second = type(of: allRules[1]).id
        return CheckReport(
            findings: [
                Finding(rule: first, severity: .error, file: "lb.yaml", line: 12, message: "app3 will receive ~83% of requests", hint: "equal weights"),
                Finding(rule: second, severity: .warning, file: "./configs/my lb#2.yaml", line: 3, message: "zero weight", hint: "remove it"),
                Finding(rule: first, severity: .info, file: "/etc/haproxy/haproxy.cfg", line: 40, message: "an info", hint: "none"),
                Finding(rule: "EK999", severity: .warning, file: "<reload>", line: 0, message: "from elsewhere", hint: "-"),
            ], pools: [])
    }

    static func decode(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func run(_ log: [String: Any]) throws -> [String: Any] {
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        return try #require(runs.first)
    }

    @Test func logNamesSchemaVersionAndTool() throws {
        let log = try Self.decode(try SARIFReport.render(Self.report(), rules: allRules))
        let schema = try #require(log["$schema"] as? String)
        #expect(schema.hasPrefix("https://"))
        #expect(schema.hasSuffix("sarif-schema-2.1.0.json"))
        #expect(log["version"] as? String == "2.1.0")
        let driver = try #require(((try Self.run(log))["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "evenkeel check")
        #expect((driver["informationUri"] as? String)?.isEmpty == false)
    }

    @Test func everyRuleIsDescribedWithTitleHintPageAndLevel() throws {
        let log = try Self.decode(try SARIFReport.render(Self.report(), rules: allRules))
        let driver = try #require(((try Self.run(log))["tool"] as? [String: Any])?["driver"] as? [String: Any])
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.count == allRules.count)
        for (descriptor, rule) in zip(rules, allRules) {
            let ruleType = type(of: rule)
            #expect(descriptor["id"] as? String == ruleType.id)
            #expect(descriptor["name"] as? String == ruleType.title)
            #expect((descriptor["shortDescription"] as? [String: Any])?["text"] as? String == ruleType.title)
            #expect((descriptor["fullDescription"] as? [String: Any])?["text"] as? String == ruleType.hint)
            let help = try #require((descriptor["help"] as? [String: Any])?["text"] as? String)
            #expect(help.hasPrefix(ruleType.hint))
            #expect(descriptor["helpUri"] as? String == "docs/rules/\(ruleType.id).md")
            let expected = switch ruleType.severity {
            case .error: "error"
            case .warning: "warning"
            case .info: "note"
            }
            #expect((descriptor["defaultConfiguration"] as? [String: Any])?["level"] as? String == expected)
        }
    }

    @Test func resultsCarryRuleLevelMessageAndLocation() throws {
        let log = try Self.decode(try SARIFReport.render(Self.report(), rules: allRules))
        let run = try Self.run(log)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 4)
        let ruleIDs = allRules.map { type(of: $0).id }

        #expect(results.map { $0["ruleId"] as? String } == Self.report().findings.map(\.rule))
        #expect(results.map { $0["level"] as? String } == ["error", "warning", "note", "warning"])
        #expect(results.map { ($0["message"] as? [String: Any])?["text"] as? String } == Self.report().findings.map(\.message))
        // ruleIndex points at the rule with the same id in driver.rules.
        #expect(results[0]["ruleIndex"] as? Int == 0)
        #expect(results[1]["ruleIndex"] as? Int == 1)
        #expect(results[2]["ruleIndex"] as? Int == 0)
        #expect(ruleIDs[0] == results[0]["ruleId"] as? String)

        func physical(_ result: [String: Any]) throws -> [String: Any] {
            let locations = try #require(result["locations"] as? [[String: Any]])
            #expect(locations.count == 1)
            return try #require(locations.first?["physicalLocation"] as? [String: Any])
        }
        let relative = try physical(results[0])
        #expect((relative["artifactLocation"] as? [String: Any])?["uri"] as? String == "lb.yaml")
        #expect((relative["artifactLocation"] as? [String: Any])?["uriBaseId"] as? String == "%SRCROOT%")
        #expect((relative["region"] as? [String: Any])?["startLine"] as? Int == 12)

        let escaped = try physical(results[1])
        #expect((escaped["artifactLocation"] as? [String: Any])?["uri"] as? String == "configs/my%20lb%232.yaml")
        #expect((escaped["region"] as? [String: Any])?["startLine"] as? Int == 3)

        let absolute = try physical(results[2])
        #expect((absolute["artifactLocation"] as? [String: Any])?["uri"] as? String == "file:///etc/haproxy/haproxy.cfg")
        #expect((absolute["artifactLocation"] as? [String: Any])?["uriBaseId"] == nil)
        #expect((absolute["region"] as? [String: Any])?["startLine"] as? Int == 40)
    }

    @Test func unknownRuleHasNoIndexAndLineZeroHasNoRegion() throws {
        let log = try Self.decode(try SARIFReport.render(Self.report(), rules: allRules))
        let results = try #require((try Self.run(log))["results"] as? [[String: Any]])
        let last = try #require(results.last)
        #expect(last["ruleId"] as? String == "EK999")
        #expect(last["ruleIndex"] == nil)
        let physical = try #require((last["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        #expect(physical["region"] == nil)
        #expect((physical["artifactLocation"] as? [String: Any])?["uri"] as? String == "%3Creload%3E")
    }

    @Test func noFindingsIsAnEmptyResultListWithAllRules() throws {
        let log = try Self.decode(try SARIFReport.render(CheckReport(findings: [], pools: []), rules: allRules))
        let run = try Self.run(log)
        #expect((run["results"] as? [Any])?.isEmpty == true)
        let rules = ((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [Any]
        #expect(rules?.count == allRules.count)
    }

    @Test func linksCanPointAtThePublishedProject() throws {
        let text = try SARIFReport.render(
            Self.report(), rules: allRules, informationURI: "https://example.org/evenkeel",
            rulesBaseURI: "https://example.org/evenkeel/docs/rules/")
        let driver = try #require(((try Self.run(try Self.decode(text)))["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["informationUri"] as? String == "https://example.org/evenkeel")
        let first = try #require((driver["rules"] as? [[String: Any]])?.first)
        #expect(first["helpUri"] as? String == "https://example.org/evenkeel/docs/rules/\(type(of: allRules[0]).id).md")
    }

    @Test func roundTripsThroughTheCodableModel() throws {
        let text = try SARIFReport.render(Self.report(), rules: allRules)
        let decoded = try JSONDecoder().decode(SARIFLog.self, from: Data(text.utf8))
        #expect(decoded == SARIFReport.makeLog(Self.report(), rules: allRules))
    }
}
