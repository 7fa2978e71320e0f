import Balancer
import BalancerAPI
import BalancerConfig
import Foundation
import Testing
@testable import Watch

extension WatchEndToEnd {
    /// The postmortem's outage told to both teams: a skew opens an incident, the NOC and engineering each get their
    /// words, engineering acknowledges and the NOC hears of it, the revert resolves it and both get the notice, and
    /// the postmortem draft carries the measured numbers.
    @Suite(.timeLimit(.minutes(2)))
    struct IncidentNotificationEndToEndTests {
        @Test func aSkewReachesBothTeamsInTheirWordsAndEndsInAPostmortemDraft() async throws {
            try await WatchEndToEnd.afterTheSuitesStart()
            let noc = try await RecordingReceiver.start(), engineering = try await RecordingReceiver.start()
            let routes = NotifySettings(
                receivers: [
                    ReceiverSettings(name: "noc", kind: .webhook, url: "http://127.0.0.1:\(noc.port)/", audience: .noc),
                    ReceiverSettings(name: "eng", kind: .slack, url: "http://127.0.0.1:\(engineering.port)/", audience: .engineering),
                ],
                routes: [NotifyRoute(receivers: ["noc", "eng"])])
            let fixture = try await WatchFixture(notify: routes)
            try await fixture.warmUp()
            var hashed = fixture.config
            hashed.pools[0].algorithm = .consistentHash(key: .sourceIP, boundedLoad: nil)
            #expect(await fixture.balancer.reload(to: hashed, trigger: "test").result == .applied)
            let (incident, _) = try #require(try await fixture.waitForIncident(.configSkew), "no config_skew incident")

            let nocMessages = try await noc.waitFor(1)
            let engineeringMessages = try await engineering.waitFor(1)
            let toNOC = try #require(nocMessages.first), toEngineering = try #require(engineeringMessages.first)
            // Within 2 s of opening (group wait 0): the incident's timeline has the delivery.
            // (The receiver has the request a moment before Watch has its answer and writes the timeline.)
            var notified: [TimelineEntry] = []
            for _ in 0..<40 where notified.count < 2 {
                notified = try #require(try await fixture.store.incident(id: incident.id)).timeline.filter { $0.kind == "notified" }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(notified.count == 2)
            for entry in notified { #expect(entry.at.timeIntervalSince(incident.openedAt) < 2, "notified \(entry.at.timeIntervalSince(incident.openedAt)) s after opening") }

            let nocText = try #require(String(data: toNOC.body, encoding: .utf8))
            #expect(nocText.contains("not an attack") || nocText.contains("Not an attack"), "\(nocText)")
            #expect(!nocText.contains("consistent_hash"), "no configuration jargon for the NOC")
            let engineeringText = try #require(String(data: toEngineering.body, encoding: .utf8))
            #expect(engineeringText.contains("consistent_hash"), "engineering gets the diff")
            #expect(engineeringText.contains("evenkeel incident ack \(incident.id)"))

            // Engineering takes it; the NOC hears, engineering's own chat does not.
            let bob = Operator(name: "bob", team: .engineering, tokenSHA256: Operator.hash(token: "t"))
            _ = try await fixture.engine.acknowledge(id: incident.id, by: bob, text: "reverting the hash change")
            let afterAck = try await noc.waitFor(2)
            #expect(String(data: afterAck.last?.body ?? Data(), encoding: .utf8)?.contains("bob") == true)

            // The revert resolves it; both are told.
            #expect(await fixture.balancer.reload(to: fixture.config, trigger: "test").result == .applied)
            let resolved = try #require(try await fixture.waitForResolution(incident.id))
            let finalNOC = try await noc.waitFor(3)
            let finalEngineering = try await engineering.waitFor(2)
            #expect((finalNOC.last?.json as? [String: Any])?["status"] as? String == "resolved")
            #expect(String(data: finalEngineering.last?.body ?? Data(), encoding: .utf8)?.contains("RESOLVED") == true)
            #expect(Set(finalNOC.compactMap(\.idempotencyKey)).count == finalNOC.count, "nothing sent twice")

            // The draft's numbers are measured.
            let impact = try #require(resolved.impact)
            #expect(impact.requests > 20)
            #expect(impact.peakShare > impact.peakShareExpected + 0.2, "one backend took \(impact.peakShare), meant \(impact.peakShareExpected)")
            #expect(impact.before != nil)
            let draft = IncidentReport(incident: try #require(try await fixture.store.incident(id: incident.id))).markdown()
            #expect(draft.contains("bob"))
            #expect(draft.contains("EK108"), "the rule that catches hashing on the source address")
            await fixture.stop()
            await noc.stop()
            await engineering.stop()
        }
    }
}
