import Foundation
import Testing
@testable import Watch

@Suite struct NotificationPayloadTests {
    /// 2023-11-10 14:00:00 UTC, the hour the postmortem's outage began.
    static let t0 = Date(timeIntervalSince1970: 1_699_624_800)
    static let watchURL = "http://127.0.0.1:9100"
    static let groupKey = "{pool=jobboard,diagnosis=config_skew}"
    static let diff = "algorithm jobboard round_robin→consistent_hash(key: source_ip)"

    /// The postmortem's incident: one backend takes most of the traffic after a hashing change, at normal volume.
    static func skew(
        state: Incident.State = .open, severity: Severity = .page, resolvedAt: Date? = nil, source: String = "http://127.0.0.1:9090"
    ) -> Incident {
        var impact = Impact(before: Impact.Levels(rate: 200, p99: 80, errorRatio: 0.001))
        impact.requests = 120_000
        impact.failedRequests = 4_920
        impact.peakShare = 0.92
        impact.peakShareBackend = "b1"
        impact.peakShareExpected = 1.0 / 3
        impact.peakP99 = 1_450
        impact.peakErrorRatio = 0.06
        impact.peakRate = 214
        impact.during = Impact.Levels(rate: 201, p99: 1_200, errorRatio: 0.041)
        impact.seconds = 600
        return Incident(
            id: 12, state: state, diagnosis: .configSkew, severity: severity, pool: "jobboard", backends: ["b1"], openedAt: t0,
            resolvedAt: resolvedAt,
            summary: "Pool jobboard does not split traffic as its weights say: b1 gets 92% of requests where 33% is expected (consistent_hash(key: source_ip)), at normal total volume (201 requests/s).",
            evidence: [
                Evidence(signal: "observed_share", backend: "b1", value: 0.92, baseline: 1.0 / 3),
                Evidence(signal: "jain_index", value: 0.41, baseline: 1),
                Evidence(signal: "p50_ms", backend: "b1", value: 240, baseline: 20),
            ],
            configChange: ConfigChange(at: t0.addingTimeInterval(-5), source: source, diff: diff, hash: "4f1c2a9e7b3d5a61"),
            timeline: [], impact: impact)
    }

    static func attack() -> Incident {
        Incident(
            id: 13, diagnosis: .attackSuspected, severity: .page, pool: "jobboard", backends: [], openedAt: t0,
            summary: "Pool jobboard gets 4.2× its usual volume.",
            evidence: [
                Evidence(signal: "rate", value: 840, baseline: 200),
                Evidence(signal: "top_clients_share", value: 0.85, baseline: 0.1),
                Evidence(signal: "top_path_share", value: 0.9),
            ],
            configChange: nil, timeline: [])
    }

    static func event(
        _ kind: NotificationEvent.Kind, _ incident: Incident, at: Date = NotificationPayloadTests.t0, actor: String? = nil, team: Audience? = nil, text: String? = nil
    ) -> NotificationEvent {
        NotificationEvent(kind: kind, at: at, incident: incident, actor: actor, actorTeam: team, text: text, watchURL: watchURL)
    }

    static func receiver(_ kind: ReceiverSettings.Kind, audience: Audience = .engineering, routingKey: String? = nil) -> ReceiverSettings {
        let url = switch kind {
        case .webhook: "http://127.0.0.1:5001/hook"
        case .alertmanager: "http://127.0.0.1:9093/"
        case .slack: "https://hooks.slack.com/services/T000/B000/XXXX"
        case .pagerduty: "https://events.pagerduty.com/v2/enqueue"
        }
        return ReceiverSettings(name: kind.rawValue, kind: kind, url: url, audience: audience, routingKey: routingKey)
    }

    static func request(_ events: [NotificationEvent], to receiver: ReceiverSettings, now: Date = NotificationPayloadTests.t0) throws -> OutboundRequest {
        try ReceiverPayload.request(for: events, to: receiver, groupKey: groupKey, idempotencyKey: "delivery-7", now: now)
    }

    static func object(_ request: OutboundRequest) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
    }

    static func isFingerprint(_ text: String) -> Bool {
        text.count == 16 && text.allSatisfy { $0.isHexDigit } && text == text.lowercased()
    }

    // MARK: - webhook

    @Test func webhookCarriesEveryVersion4KeyWithItsType() throws {
        let request = try Self.request([Self.event(.opened, Self.skew())], to: Self.receiver(.webhook))
        #expect(request.method == "POST")
        #expect(request.url == "http://127.0.0.1:5001/hook")
        let json = try Self.object(request)
        #expect(
            Set(json.keys) == [
                "version", "groupKey", "truncatedAlerts", "status", "receiver", "groupLabels", "commonLabels", "commonAnnotations",
                "externalURL", "alerts", "idempotencyKey",
            ])
        #expect(json["version"] as? String == "4")
        #expect(json["groupKey"] as? String == Self.groupKey)
        #expect(json["truncatedAlerts"] as? Int == 0)
        #expect(json["status"] as? String == "firing")
        #expect(json["receiver"] as? String == "webhook")
        #expect(json["groupLabels"] as? [String: String] == ["pool": "jobboard", "diagnosis": "config_skew"])
        let common = try #require(json["commonLabels"] as? [String: String])
        #expect(common["alertname"] == "EvenkeelConfigSkew")
        #expect(json["commonAnnotations"] is [String: String])
        #expect(json["externalURL"] as? String == Self.watchURL)

        let alerts = try #require(json["alerts"] as? [[String: Any]])
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        #expect(Set(alert.keys) == ["status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint"])
        #expect(alert["status"] as? String == "firing")
        #expect(
            alert["labels"] as? [String: String] == [
                "alertname": "EvenkeelConfigSkew", "incident_id": "12", "pool": "jobboard", "diagnosis": "config_skew",
                "severity": "page", "source": "evenkeel-watch",
            ])
        let annotations = try #require(alert["annotations"] as? [String: String])
        #expect(annotations["summary"]?.contains("Load balancer configuration skews traffic") == true)
        #expect(annotations["description"]?.contains(Self.diff) == true, "the engineering receiver gets the diff")
        #expect(annotations["runbook_url"] == "docs/runbooks/watch.md#config-skew")
        #expect(annotations["event"] == "opened")
        #expect(annotations["actor"] == nil)
        let startsAt = try #require(alert["startsAt"] as? String)
        #expect(try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(startsAt) == Self.t0)
        #expect(alert["endsAt"] as? String == "0001-01-01T00:00:00Z")
        #expect(alert["generatorURL"] as? String == "http://127.0.0.1:9100/api/v1/incidents/12")
        let fingerprint = try #require(alert["fingerprint"] as? String)
        #expect(Self.isFingerprint(fingerprint))
    }

    @Test func webhookStatusIsResolvedOnlyWhenEveryIncidentIs() throws {
        let end = Self.t0.addingTimeInterval(2520)
        let resolved = Self.event(.resolved, Self.skew(state: .resolved, resolvedAt: end), at: end)
        let json = try Self.object(try Self.request([resolved], to: Self.receiver(.webhook)))
        #expect(json["status"] as? String == "resolved")
        let alert = try #require((json["alerts"] as? [[String: Any]])?.first)
        #expect(alert["status"] as? String == "resolved")
        #expect(alert["endsAt"] as? String == NotificationWords.rfc3339(end))

        var other = Self.skew()
        other.id = 14
        let mixed = try Self.object(try Self.request([resolved, Self.event(.opened, other)], to: Self.receiver(.webhook)))
        #expect(mixed["status"] as? String == "firing")
        let statuses = (mixed["alerts"] as? [[String: Any]])?.compactMap { $0["status"] as? String }
        #expect(statuses == ["resolved", "firing"])
        let common = try #require(mixed["commonLabels"] as? [String: String])
        #expect(common["incident_id"] == nil, "labels that differ are not common")
        #expect(common["pool"] == "jobboard")
    }

    @Test func fingerprintIsStableForTheLabelSet() throws {
        func fingerprint(_ event: NotificationEvent) throws -> String {
            let json = try Self.object(try Self.request([event], to: Self.receiver(.webhook)))
            return try #require((json["alerts"] as? [[String: Any]])?.first?["fingerprint"] as? String)
        }
        let opened = try fingerprint(Self.event(.opened, Self.skew()))
        let reminder = try fingerprint(Self.event(.reminder, Self.skew(), at: Self.t0.addingTimeInterval(3600)))
        let acknowledged = try fingerprint(Self.event(.acknowledged, Self.skew(state: .acknowledged), actor: "alice", team: .engineering))
        #expect(Self.isFingerprint(opened))
        #expect(opened == reminder)
        #expect(opened == acknowledged, "annotations and times do not change the alert's identity")
        var other = Self.skew()
        other.id = 99
        #expect(try fingerprint(Self.event(.opened, other)) != opened)
        let labels = ["b": "2", "a": "1", "c": "3"]
        #expect(ReceiverPayload.fingerprint(labels) == ReceiverPayload.fingerprint(["c": "3", "a": "1", "b": "2"]))
    }

    @Test func everyRequestCarriesTheIdempotencyKeyAndTheSameHeaders() throws {
        let event = Self.event(.opened, Self.skew())
        for kind in ReceiverSettings.Kind.allCases {
            let request = try Self.request([event], to: Self.receiver(kind, routingKey: "R0UTINGKEY"))
            #expect(request.method == "POST")
            #expect(request.headers["Idempotency-Key"] == "delivery-7")
            #expect(request.headers["Content-Type"] == "application/json")
            #expect(request.headers["User-Agent"] == "evenkeel-watch")
        }
        let webhook = try Self.object(try Self.request([event], to: Self.receiver(.webhook)))
        #expect(webhook["idempotencyKey"] as? String == "delivery-7")
    }

    // MARK: - Alertmanager

    @Test func alertmanagerAlertsEndFiveMinutesAheadWhileOpenAndWhenTheIncidentResolved() throws {
        let now = Self.t0.addingTimeInterval(90)
        let request = try Self.request([Self.event(.reminder, Self.skew(), at: now)], to: Self.receiver(.alertmanager), now: now)
        #expect(request.url == "http://127.0.0.1:9093/api/v2/alerts")
        let alerts = try #require(try JSONSerialization.jsonObject(with: request.body) as? [[String: Any]])
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        #expect(Set(alert.keys) == ["labels", "annotations", "startsAt", "endsAt", "generatorURL"])
        #expect((alert["labels"] as? [String: String])?["alertname"] == "EvenkeelConfigSkew")
        let endsAt = try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(try #require(alert["endsAt"] as? String))
        #expect(endsAt > now)
        #expect(endsAt == now.addingTimeInterval(300))
        #expect(alert["startsAt"] as? String == NotificationWords.rfc3339(Self.t0))

        let end = Self.t0.addingTimeInterval(2520)
        let resolved = try Self.request(
            [Self.event(.resolved, Self.skew(state: .resolved, resolvedAt: end), at: end.addingTimeInterval(3))], to: Self.receiver(.alertmanager),
            now: end.addingTimeInterval(4))
        let resolvedAlert = try #require((try JSONSerialization.jsonObject(with: resolved.body) as? [[String: Any]])?.first)
        #expect(resolvedAlert["endsAt"] as? String == NotificationWords.rfc3339(end))
    }

    @Test func alertmanagerAcknowledgementRefreshesTheAlertWithWhoTookIt() throws {
        var incident = Self.skew(state: .acknowledged)
        incident.acknowledgedBy = "alice"
        incident.acknowledgedAt = Self.t0.addingTimeInterval(60)
        let request = try Self.request(
            [Self.event(.acknowledged, incident, at: Self.t0.addingTimeInterval(60), actor: "alice", team: .engineering)],
            to: Self.receiver(.alertmanager))
        let alert = try #require((try JSONSerialization.jsonObject(with: request.body) as? [[String: Any]])?.first)
        let annotations = try #require(alert["annotations"] as? [String: String])
        #expect(annotations["acknowledged_by"] == "alice")
        #expect(annotations["actor"] == "alice")
        #expect(annotations["event"] == "acknowledged")
    }

    // MARK: - Slack

    @Test func slackHasFallbackTextAndHeaderSectionAndContextBlocks() throws {
        let request = try Self.request([Self.event(.opened, Self.skew())], to: Self.receiver(.slack, audience: .noc))
        let json = try Self.object(request)
        let message = NotificationMessage.compose([Self.event(.opened, Self.skew())], for: .noc)
        #expect((json["text"] as? String)?.contains(message.title) == true)
        let blocks = try #require(json["blocks"] as? [[String: Any]])
        #expect(blocks.compactMap { $0["type"] as? String } == ["header", "section", "context"])
        let header = try #require(blocks[0]["text"] as? [String: Any])
        #expect(header["type"] as? String == "plain_text")
        #expect((header["text"] as? String) == message.title)
        #expect(((header["text"] as? String)?.count ?? 0) <= 150)
        let section = try #require(blocks[1]["text"] as? [String: Any])
        #expect(section["type"] as? String == "mrkdwn")
        let sectionText = try #require(section["text"] as? String)
        #expect(sectionText.contains("Not an attack"))
        #expect(sectionText.count <= 3000)
        let elements = try #require(blocks[2]["elements"] as? [[String: Any]])
        let context = try #require(elements.first?["text"] as? String)
        #expect(elements.first?["type"] as? String == "mrkdwn")
        #expect(context == "incident 12 · jobboard · page · <http://127.0.0.1:9100/|dashboard>")
    }

    @Test func slackSectionIsCutToItsLimit() throws {
        var incident = Self.skew()
        incident.summary = String(repeating: "a < b & c > d. ", count: 400)
        let request = try Self.request([Self.event(.opened, incident)], to: Self.receiver(.slack))
        let blocks = try #require(try Self.object(request)["blocks"] as? [[String: Any]])
        let text = try #require((blocks[1]["text"] as? [String: Any])?["text"] as? String)
        #expect(text.count <= 3000)
        #expect(text.hasSuffix("…"))
        #expect(!text.contains("<"), "Slack's control characters are escaped")
    }

    // MARK: - PagerDuty

    @Test func pagerDutyTriggersWithTheWholeStoryUnderOneDedupKey() throws {
        let receiver = Self.receiver(.pagerduty, routingKey: "R0UTINGKEY")
        let request = try Self.request([Self.event(.opened, Self.skew())], to: receiver)
        #expect(request.url == "https://events.pagerduty.com/v2/enqueue")
        let json = try Self.object(request)
        #expect(json["routing_key"] as? String == "R0UTINGKEY")
        #expect(json["event_action"] as? String == "trigger")
        #expect(json["dedup_key"] as? String == "evenkeel-watch-incident-12")
        let payload = try #require(json["payload"] as? [String: Any])
        #expect(((payload["summary"] as? String)?.count ?? 0) <= 1024)
        #expect(payload["source"] as? String == "evenkeel-watch")
        #expect(payload["severity"] as? String == "critical")
        #expect(payload["component"] as? String == "jobboard")
        #expect(payload["group"] as? String == "jobboard")
        #expect(payload["class"] as? String == "config_skew")
        #expect(payload["timestamp"] as? String == NotificationWords.rfc3339(Self.t0))
        let details = try #require(payload["custom_details"] as? [String: Any])
        #expect(details["idempotency_key"] as? String == "delivery-7")
        #expect((details["evidence"] as? [[String: Any]])?.count == 3)
        #expect((details["config_change"] as? [String: Any])?["diff"] as? String == Self.diff)
        let links = try #require(json["links"] as? [[String: String]])
        #expect(links.first?["href"] == "http://127.0.0.1:9100/api/v1/incidents/12")

        let reminder = try Self.object(try Self.request([Self.event(.reminder, Self.skew())], to: receiver))
        #expect(reminder["dedup_key"] as? String == "evenkeel-watch-incident-12", "one key for every event about the incident")
    }

    @Test func pagerDutyMapsSeverities() throws {
        let receiver = Self.receiver(.pagerduty, routingKey: "R0UTINGKEY")
        let mapping: [(Severity, String)] = [(.page, "critical"), (.ticket, "warning"), (.info, "info")]
        for (severity, expected) in mapping {
            let json = try Self.object(try Self.request([Self.event(.opened, Self.skew(severity: severity))], to: receiver))
            #expect((json["payload"] as? [String: Any])?["severity"] as? String == expected)
        }
    }

    @Test func pagerDutyAcknowledgeAndResolveCarryOnlyTheKey() throws {
        let receiver = Self.receiver(.pagerduty, routingKey: "R0UTINGKEY")
        let acknowledged = try Self.object(
            try Self.request([Self.event(.acknowledged, Self.skew(state: .acknowledged), actor: "alice", team: .engineering)], to: receiver))
        #expect(Set(acknowledged.keys) == ["routing_key", "dedup_key", "event_action"])
        #expect(acknowledged["event_action"] as? String == "acknowledge")
        #expect(acknowledged["dedup_key"] as? String == "evenkeel-watch-incident-12")

        let end = Self.t0.addingTimeInterval(2520)
        let resolved = try Self.object(
            try Self.request([Self.event(.resolved, Self.skew(state: .resolved, resolvedAt: end), at: end)], to: receiver))
        #expect(Set(resolved.keys) == ["routing_key", "dedup_key", "event_action"])
        #expect(resolved["event_action"] as? String == "resolve")
        #expect(resolved["dedup_key"] as? String == "evenkeel-watch-incident-12")
    }

    @Test func pagerDutyRefusesAGroupAndAMissingKey() throws {
        var other = Self.skew()
        other.id = 14
        let events = [Self.event(.opened, Self.skew()), Self.event(.opened, other)]
        #expect(throws: PayloadError.oneEventPerRequest(receiver: "pagerduty", events: 2)) {
            try Self.request(events, to: Self.receiver(.pagerduty, routingKey: "R0UTINGKEY"))
        }
        #expect(throws: PayloadError.missingRoutingKey(receiver: "pagerduty")) {
            try Self.request([Self.event(.opened, Self.skew())], to: Self.receiver(.pagerduty))
        }
        #expect(throws: PayloadError.noEvents(receiver: "webhook")) {
            try Self.request([], to: Self.receiver(.webhook))
        }
    }

    // MARK: - Words

    @Test func nocIsToldItIsNotAnAttackWithTheVolumeAndNoDiff() {
        let message = NotificationMessage.compose([Self.event(.opened, Self.skew())], for: .noc)
        #expect(message.title.count <= NotificationMessage.maxTitleLength)
        #expect(message.title.contains("(not an attack)"))
        let text = message.text
        #expect(text.contains("Not an attack: volume is 1.0× usual"))
        #expect(text.contains("unevenly spread by the load balancer's settings"))
        #expect(text.contains("server b1 gets 92% of requests (33% expected)"))
        #expect(text.contains("pages are failing for about 4.1% of requests"))
        #expect(text.contains("1 in 100 requests takes over 1.20 s (usually 80 ms)"))
        #expect(text.contains("Engineering has been notified; nobody has acknowledged yet."))
        for jargon in [Self.diff, "consistent_hash", "round_robin", "→", "admin/events", "observed_share", "evenkeel check"] {
            #expect(!text.contains(jargon), "NOC text has no \(jargon)")
        }
    }

    @Test func nocIsToldWhoAcknowledged() {
        var incident = Self.skew(state: .acknowledged)
        incident.acknowledgedBy = "alice"
        incident.acknowledgedAt = Self.t0.addingTimeInterval(2460)
        let reminder = NotificationMessage.compose([Self.event(.reminder, incident, at: Self.t0.addingTimeInterval(3600))], for: .noc)
        #expect(reminder.text.contains("Acknowledged by alice at 14:41:00 UTC"))
        #expect(!reminder.text.contains("nobody has acknowledged"))

        let acknowledged = NotificationMessage.compose(
            [Self.event(.acknowledged, incident, at: Self.t0.addingTimeInterval(2460), actor: "alice", team: .engineering, text: "reverting the hash change")],
            for: .noc)
        #expect(acknowledged.lines.first == "engineering (alice) acknowledged at 14:41:00 UTC: reverting the hash change")
        #expect(acknowledged.title.contains("acknowledged by alice"))
    }

    @Test func nocIsToldAnAttackIsLikelyAndWhy() {
        let text = NotificationMessage.compose([Self.event(.opened, Self.attack())], for: .noc).text
        #expect(text.contains("Likely an attack"))
        #expect(text.contains("4.2× usual"))
        #expect(text.contains("85% of it comes from a few clients (usually 10%)"))
        #expect(!text.contains("Not an attack"))
    }

    @Test func engineeringIsToldTheDiffTheRunbookAndTheCommands() {
        let message = NotificationMessage.compose([Self.event(.opened, Self.skew())], for: .engineering)
        let text = message.text
        #expect(message.title.count <= NotificationMessage.maxTitleLength)
        #expect(text.contains(Self.diff))
        #expect(text.contains("Runbook: docs/runbooks/watch.md#config-skew"))
        #expect(text.contains("Run: evenkeel incident show 12 --watch http://127.0.0.1:9100"))
        #expect(text.contains("Run: evenkeel incident ack 12 --watch http://127.0.0.1:9100"))
        #expect(text.contains("Run: curl -s http://127.0.0.1:9090/admin/events"))
        #expect(text.contains("- observed_share b1: 92% (vs 33%)"))
        #expect(text.contains("- p50_ms b1: 240 ms (vs 20 ms)"))
        #expect(text.contains("Pool jobboard · backends b1 · severity page · since 2023-11-10 14:00:00 UTC"))

        let fromFile = NotificationMessage.compose([Self.event(.opened, Self.skew(source: "/etc/evenkeel/balancer.yml"))], for: .engineering)
        #expect(fromFile.text.contains("Run: evenkeel check /etc/evenkeel/balancer.yml"))
        #expect(!fromFile.text.contains("curl"))
    }

    @Test func resolvedSaysHowLongAndWhatItCost() {
        let end = Self.t0.addingTimeInterval(2520)
        let event = Self.event(.resolved, Self.skew(state: .resolved, resolvedAt: end), at: end)
        let noc = NotificationMessage.compose([event], for: .noc)
        #expect(noc.title.contains("[RESOLVED]"))
        #expect(noc.title.contains("after 42 min"))
        #expect(noc.lines.first == "Resolved at 14:42:00 UTC (2023-11-10) after 42 min: its signals are back to normal.")
        #expect(noc.text.contains("about 4.1% of requests failed (4920 of 120000)"))
        let engineering = NotificationMessage.compose([event], for: .engineering)
        #expect(engineering.text.contains("Impact over 10 min: 120000 requests, 4920 failed"))
        #expect(!engineering.text.contains("incident ack"), "nothing left to acknowledge")
    }

    @Test func aTestNotificationSaysTheRouteWorks() throws {
        let event = Self.event(.test, Self.skew())
        let message = NotificationMessage.compose([event], for: .noc)
        #expect(message.text.contains("Test notification from Evenkeel Watch: this route works"))
        let json = try Self.object(try Self.request([event], to: Self.receiver(.webhook)))
        let labels = try #require((json["alerts"] as? [[String: Any]])?.first?["labels"] as? [String: String])
        #expect(labels["alertname"] == "EvenkeelTest")
    }

    @Test func aGroupHasOneTitleAndABlockPerIncident() {
        var other = Self.skew(severity: .ticket)
        other.id = 14
        other.pool = "api"
        let message = NotificationMessage.compose([Self.event(.opened, Self.skew()), Self.event(.opened, other)], for: .engineering)
        #expect(message.title == "[PAGE] 2 incidents in jobboard, api: 2 opened")
        #expect(message.lines.contains("#12 jobboard: Load balancer configuration skews traffic (opened, page)"))
        #expect(message.lines.contains("#14 api: Load balancer configuration skews traffic (opened, ticket)"))
        #expect(message.lines.contains(""))
    }
}
