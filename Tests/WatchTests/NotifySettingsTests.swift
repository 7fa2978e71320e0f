import BalancerConfig
import Foundation
import Testing
@testable import Watch

@Suite struct NotifySettingsTests {
    /// One receiver and one route: the smallest file that parses.
    static let minimal = """
        receivers:
          - name: noc
            type: webhook
            url: http://127.0.0.1:5001/hook
            audience: noc
        routes:
          - receivers: [noc]
        """

    @Test func aFullFileGivesEveryReceiverAndRouteWithDefaultsInheritedAndOverridden() throws {
        let settings = try NotifySettings.parse(
            yaml: """
                defaults:
                  group_by: [pool, severity]
                  group_wait: 10s
                  repeat_interval: 2h
                  send_resolved: false
                receivers:
                  - name: noc-webhook
                    type: webhook
                    url: http://127.0.0.1:5001/hook
                    audience: noc
                    timeout: 2s
                  - name: pd
                    type: pagerduty
                    routing_key: abc
                    audience: engineering
                  - name: am
                    type: alertmanager
                    url: http://127.0.0.1:9093
                    audience: engineering
                  - name: eng-slack
                    type: slack
                    url: https://hooks.slack.com/services/T/B/X
                    audience: engineering
                    timeout: 500ms
                routes:
                  - match:
                      diagnosis: [config_skew, backend_down]
                      severity: page
                      pool: [jobboard, "api-*"]
                    receivers: [noc-webhook, pd]
                    continue: true
                    group_by: [diagnosis]
                    group_wait: 30s
                    repeat_interval: 1h
                    send_resolved: true
                  - receivers: eng-slack
                """, file: "notify.yaml")
        #expect(
            settings.receivers == [
                ReceiverSettings(name: "noc-webhook", kind: .webhook, url: "http://127.0.0.1:5001/hook", audience: .noc, timeout: .seconds(2)),
                ReceiverSettings(
                    name: "pd", kind: .pagerduty, url: "https://events.pagerduty.com/v2/enqueue", audience: .engineering, routingKey: "abc"),
                ReceiverSettings(name: "am", kind: .alertmanager, url: "http://127.0.0.1:9093", audience: .engineering),
                ReceiverSettings(
                    name: "eng-slack", kind: .slack, url: "https://hooks.slack.com/services/T/B/X", audience: .engineering,
                    timeout: .milliseconds(500)),
            ])
        #expect(settings.receivers[2].timeout == .seconds(5))
        #expect(settings.receivers[1].routingKey == "abc")
        #expect(settings.receivers[0].routingKey == nil)
        #expect(
            settings.routes == [
                NotifyRoute(
                    diagnoses: [.configSkew, .backendDown], severities: [.page], pools: ["jobboard", "api-*"], receivers: ["noc-webhook", "pd"],
                    continue: true, groupBy: ["diagnosis"], groupWait: .seconds(30), repeatInterval: .seconds(3600), sendResolved: true),
                NotifyRoute(
                    receivers: ["eng-slack"], continue: false, groupBy: ["pool", "severity"], groupWait: .seconds(10),
                    repeatInterval: .seconds(7200), sendResolved: false),
            ])
        #expect(settings.receiver(named: "am")?.kind == .alertmanager)
    }

    @Test func withoutDefaultsARouteTakesTheBuiltInPolicy() throws {
        let settings = try NotifySettings.parse(yaml: Self.minimal, file: "notify.yaml")
        let route = try #require(settings.routes.first)
        #expect(route == NotifyRoute(receivers: ["noc"]))
        #expect(route.groupBy == ["pool", "diagnosis"])
        #expect(route.groupWait == .zero)
        #expect(route.repeatInterval == .seconds(4 * 3600))
        #expect(route.sendResolved)
        #expect(!route.continue)
        #expect(route.diagnoses.isEmpty && route.severities.isEmpty && route.pools.isEmpty)
    }

    @Test func routesAreTriedInOrderAndStopAtTheFirstMatchThatDoesNotContinue() throws {
        let settings = try NotifySettings.parse(
            yaml: """
                receivers:
                  - {name: pd, type: pagerduty, routing_key: k, audience: engineering}
                  - {name: eng, type: slack, url: "https://hooks.slack.com/x", audience: engineering}
                  - {name: noc, type: webhook, url: "http://127.0.0.1:5001/hook", audience: noc}
                routes:
                  - match: {severity: page}
                    receivers: [pd]
                    continue: true
                  - match: {diagnosis: config_skew}
                    receivers: [eng]
                  - receivers: [noc]
                """, file: "notify.yaml")
        #expect(settings.routes(for: incident(.configSkew, .page)).map(\.receivers) == [["pd"], ["eng"]])
        #expect(settings.routes(for: incident(.backendDown, .page)).map(\.receivers) == [["pd"], ["noc"]])
        #expect(settings.routes(for: incident(.configSkew, .ticket)).map(\.receivers) == [["eng"]])
        #expect(settings.routes(for: incident(.trafficSurge, .info)).map(\.receivers) == [["noc"]])
    }

    @Test func aPoolPatternEndingInAStarMatchesByPrefixAndTheOthersExactly() throws {
        let settings = try NotifySettings.parse(
            yaml: Self.minimal.replacingOccurrences(
                of: "  - receivers: [noc]", with: "  - match: {pool: [jobboard, \"api-*\"]}\n    receivers: [noc]"),
            file: "notify.yaml")
        let route = try #require(settings.routes.first)
        #expect(route.pools == ["jobboard", "api-*"])
        #expect(route.matches(incident(.configSkew, .page, pool: "jobboard")))
        #expect(route.matches(incident(.configSkew, .page, pool: "api-search")))
        #expect(route.matches(incident(.configSkew, .page, pool: "api-")))
        #expect(!route.matches(incident(.configSkew, .page, pool: "api")))
        #expect(!route.matches(incident(.configSkew, .page, pool: "jobboard-2")))
        #expect(!route.matches(incident(.configSkew, .page, pool: "web")))
    }

    @Test func theGroupKeyNamesEachGroupByLabelWithItsValue() throws {
        let settings = try NotifySettings.parse(
            yaml: Self.minimal + "\n    group_by: [severity, pool]\n  - receivers: [noc]\n    group_by: []\n", file: "notify.yaml")
        let skew = incident(.configSkew, .page)
        #expect(NotifyRoute(receivers: ["noc"]).groupKey(of: skew) == "{pool=jobboard,diagnosis=config_skew}")
        #expect(settings.routes[0].groupKey(of: skew) == "{severity=page,pool=jobboard}")
        #expect(settings.routes[1].groupKey(of: skew) == "{}")
    }

    @Test func theExampleFileParses() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let settings = try NotifySettings.load(file: root.appendingPathComponent("docs/examples/notify.yaml").path)
        #expect(settings.receivers.map(\.kind) == [.webhook, .slack, .pagerduty, .alertmanager])
        #expect(settings.receiver(named: "eng-pagerduty")?.url == "https://events.pagerduty.com/v2/enqueue")
        #expect(settings.routes.count == 4)
        let page = settings.routes(for: incident(.backendDown, .page)).flatMap(\.receivers)
        #expect(page == ["alertmanager", "eng-pagerduty", "noc-webhook", "eng-slack"])
        let surge = settings.routes(for: incident(.trafficSurge, .ticket, pool: "api-search")).flatMap(\.receivers)
        #expect(surge == ["alertmanager", "noc-webhook", "eng-slack"])
        let skew = settings.routes(for: incident(.configSkew, .ticket)).flatMap(\.receivers)
        #expect(skew == ["alertmanager", "eng-slack"])
    }

    @Test func anUnknownKeyIsAnErrorAtItsLineWithTheNearestKnownOne() {
        let text = message(parsing: Self.minimal + "\n    contine: true\n")
        #expect(text.contains("notify.yaml:8:5"), "\(text)")
        #expect(text.contains("'contine'") && text.contains("routes[0]") && text.contains("did you mean 'continue'"), "\(text)")

        let receiver = message(parsing: Self.minimal.replacingOccurrences(of: "audience: noc", with: "audiance: noc"))
        #expect(receiver.contains("notify.yaml:5:5") && receiver.contains("receivers[0]") && receiver.contains("'audience'"), "\(receiver)")
    }

    @Test func aRouteNamingAnUnknownReceiverIsAnErrorAtThatItemListingTheKnownOnes() {
        let text = message(parsing: Self.minimal.replacingOccurrences(of: "[noc]", with: "[noc, pager]"))
        #expect(text.contains("notify.yaml:7:"), "\(text)")
        #expect(text.contains("'pager'") && text.contains("routes[0].receivers") && text.contains("noc"), "\(text)")
    }

    @Test func aReceiverNameUsedTwiceIsAnErrorNamingBothPlaces() {
        let text = message(
            parsing: """
                receivers:
                  - name: noc
                    type: webhook
                    url: http://a.example/hook
                    audience: noc
                  - name: noc
                    type: slack
                    url: https://hooks.slack.com/x
                    audience: engineering
                routes:
                  - receivers: [noc]
                """)
        #expect(text.contains("notify.yaml:6:"), "\(text)")
        #expect(text.contains("duplicate receiver name 'noc'") && text.contains("first defined at 2:"), "\(text)")
    }

    @Test func aPagerDutyReceiverNeedsARoutingKeyAndOnlyItMayHaveOne() {
        let text = message(
            parsing: """
                receivers:
                  - name: pd
                    type: pagerduty
                    audience: engineering
                routes:
                  - receivers: [pd]
                """)
        #expect(text.contains("notify.yaml:2:") && text.contains("receivers[0]") && text.contains("'routing_key'"), "\(text)")

        let webhook = message(parsing: Self.minimal.replacingOccurrences(of: "audience: noc", with: "audience: noc\n    routing_key: abc"))
        #expect(webhook.contains("notify.yaml:6:") && webhook.contains("routing_key") && webhook.contains("pagerduty"), "\(webhook)")
    }

    @Test func anUnknownAudienceIsAnErrorNamingTheAllowedOnes() {
        let text = message(parsing: Self.minimal.replacingOccurrences(of: "audience: noc", with: "audience: ops"))
        #expect(text.contains("notify.yaml:5:"), "\(text)")
        #expect(text.contains("'ops'") && text.contains("receivers[0].audience") && text.contains("noc, engineering"), "\(text)")
    }

    @Test func anUnknownDiagnosisIsAnErrorAtItsItemWithTheNearestKnownOne() {
        let text = message(
            parsing: Self.minimal.replacingOccurrences(
                of: "  - receivers: [noc]", with: "  - match:\n      diagnosis: [config_skew, backend_dwn]\n    receivers: [noc]"))
        #expect(text.contains("notify.yaml:8:"), "\(text)")
        #expect(text.contains("'backend_dwn'") && text.contains("routes[0].match.diagnosis"), "\(text)")
        #expect(text.contains("did you mean 'backend_down'"), "\(text)")
    }

    @Test func aDurationOutOfItsRangeOrMalformedIsAnErrorAtItsLine() {
        let wait = message(parsing: "defaults:\n  group_wait: 2h\n" + Self.minimal)
        #expect(wait.contains("notify.yaml:2:") && wait.contains("defaults.group_wait") && wait.contains("'2h'"), "\(wait)")

        let repeatText = message(parsing: Self.minimal + "\n    repeat_interval: 30s\n")
        #expect(repeatText.contains("notify.yaml:8:") && repeatText.contains("routes[0].repeat_interval"), "\(repeatText)")

        let timeout = message(parsing: Self.minimal.replacingOccurrences(of: "audience: noc", with: "audience: noc\n    timeout: soon"))
        #expect(timeout.contains("notify.yaml:6:") && timeout.contains("receivers[0].timeout") && timeout.contains("'soon'"), "\(timeout)")
    }

    @Test func aFileWithoutReceiversOrRoutesOrWithABadURLIsRefused() {
        #expect(message(parsing: "routes:\n  - receivers: [noc]\n").contains("missing the required key 'receivers'"))
        #expect(message(parsing: Self.minimal.replacingOccurrences(of: "routes:\n  - receivers: [noc]", with: "")).contains("'routes'"))
        let noRoutes = Self.minimal.replacingOccurrences(of: "routes:\n  - receivers: [noc]", with: "routes: []")
        #expect(message(parsing: noRoutes).contains("at least one route"))
        #expect(message(parsing: Self.minimal.replacingOccurrences(of: "receivers: [noc]", with: "receivers: []")).contains("at least one receiver"))
        #expect(message(parsing: Self.minimal.replacingOccurrences(of: "http://127.0.0.1:5001/hook", with: "ftp://x")).contains("notify.yaml:4:"))
        #expect(message(parsing: Self.minimal.replacingOccurrences(of: "type: webhook", with: "type: email")).contains("webhook, alertmanager"))
        #expect(message(parsing: Self.minimal + "\n    group_by: [backend]\n").contains("pool, diagnosis, severity"))
        #expect(message(parsing: Self.minimal + "\n    match: {pool: \"a*b\"}\n").contains("prefix ending in *"))
        #expect(message(parsing: "receivers: [\n").contains("YAML syntax error"))
    }

    @Test func aReceiverNoRouteUsesIsAllowed() throws {
        let settings = try NotifySettings.parse(
            yaml: Self.minimal.replacingOccurrences(
                of: "routes:", with: "  - name: spare\n    type: slack\n    url: https://hooks.slack.com/x\n    audience: engineering\nroutes:"),
            file: "notify.yaml")
        #expect(settings.receivers.map(\.name) == ["noc", "spare"])
    }
}

@Suite struct WatchOperatorSettingsTests {
    @Test func operatorsAndTheExternalURLAreReadFromWatchYAML() throws {
        let alice = Operator.hash(token: "alice-token")
        let bob = Operator.hash(token: "bob-token")
        let settings = try WatchSettings.parse(
            yaml: """
                balancers: [http://127.0.0.1:9090]
                external_url: https://watch.example:9100/
                operators:
                  - name: alice
                    team: engineering
                    token_sha256: \(alice.uppercased())
                  - name: bob
                    team: noc
                    token_sha256: \(bob)
                """, file: "watch.yaml")
        #expect(
            settings.operators == [
                Operator(name: "alice", team: .engineering, tokenSHA256: alice), Operator(name: "bob", team: .noc, tokenSHA256: bob),
            ])
        #expect(settings.operators[0].tokenSHA256 == alice)
        #expect(settings.externalURL == "https://watch.example:9100")
        #expect(settings.linkBase == "https://watch.example:9100")
    }

    @Test func withoutAnExternalURLLinksUseTheListenAddress() throws {
        let settings = try WatchSettings.parse(yaml: "listen: 127.0.0.1:9200\n", file: "watch.yaml")
        #expect(settings.operators.isEmpty)
        #expect(settings.externalURL == nil)
        #expect(settings.linkBase == "http://127.0.0.1:9200")
        #expect(WatchSettings(listenHost: "::1").linkBase == "http://[::1]:9100")
    }

    @Test func aTokenHashThatIsNotSixtyFourHexDigitsIsRefusedWithoutEchoingIt() {
        let text = watchMessage(
            parsing: """
                operators:
                  - name: alice
                    team: engineering
                    token_sha256: my-plain-secret-token
                """)
        #expect(text.contains("watch.yaml:4:") && text.contains("operators[0].token_sha256"), "\(text)")
        #expect(!text.contains("my-plain-secret-token"), "\(text)")
        #expect(watchMessage(parsing: "operators:\n  - {name: a, team: engineering, token_sha256: \(String(repeating: "g", count: 64))}\n") != "")
        let badTeam = "operators:\n  - {name: a, team: ops, token_sha256: \(Operator.hash(token: "a"))}\n"
        #expect(watchMessage(parsing: badTeam).contains("noc, engineering"))
    }

    @Test func anOperatorNameUsedTwiceIsAnErrorNamingBothPlaces() {
        let text = watchMessage(
            parsing: """
                operators:
                  - name: alice
                    team: engineering
                    token_sha256: \(Operator.hash(token: "one"))
                  - name: alice
                    team: noc
                    token_sha256: \(Operator.hash(token: "two"))
                """)
        #expect(text.contains("watch.yaml:5:") && text.contains("duplicate operator name 'alice'") && text.contains("first defined at 2:"), "\(text)")
    }
}

/// An incident in `pool` with the given diagnosis and severity, the rest empty.
private func incident(_ diagnosis: Diagnosis, _ severity: Severity, pool: String = "jobboard") -> Incident {
    Incident(
        id: 1, diagnosis: diagnosis, severity: severity, pool: pool, backends: [], openedAt: Date(timeIntervalSince1970: 0), summary: "",
        evidence: [], configChange: nil, timeline: [])
}

/// The message a `--notify` file fails with, or "" when it parses.
private func message(parsing yaml: String) -> String {
    do {
        _ = try NotifySettings.parse(yaml: yaml, file: "notify.yaml")
        return ""
    } catch {
        return "\(error)"
    }
}

/// The message a `watch.yaml` fails with, or "" when it parses.
private func watchMessage(parsing yaml: String) -> String {
    do {
        _ = try WatchSettings.parse(yaml: yaml, file: "watch.yaml")
        return ""
    } catch {
        return "\(error)"
    }
}
