import AsyncHTTPClient
import EvenkeelTestSupport
import Foundation
import Logging
import NIOPosix
import Testing
@testable import Watch

/// Routing, the outbox and delivery against a real HTTP receiver on 127.0.0.1: who gets what, retries, grouping,
/// and nothing lost or sent twice across a restart.
@Suite struct NotificationDeliveryTests {
    static func skew(_ pool: String = "jobboard") -> Finding {
        Finding(
            diagnosis: .configSkew, severity: .page, backends: ["replica-2"], summary: "replica-2 takes 90% of \(pool)",
            evidence: [Evidence(signal: "observed_share", backend: "replica-2", value: 0.9, baseline: 0.33)])
    }

    static func webhook(_ name: String, _ receiver: RecordingReceiver, _ audience: Audience) -> ReceiverSettings {
        ReceiverSettings(name: name, kind: .webhook, url: "http://127.0.0.1:\(receiver.port)/hook", audience: audience, timeout: .seconds(2))
    }

    /// A tracker, outbox, notifier and delivery over one database.
    struct Rig {
        let store: IncidentStore
        let tracker: IncidentTracker
        let outbox: Outbox
        let notifier: Notifier
        let delivery: NotificationDelivery
        let client: HTTPClient

        init(_ settings: NotifySettings, path: String = ":memory:", policy: RetryPolicy = RetryPolicy(base: .milliseconds(200), cap: .seconds(1))) async throws {
            store = try IncidentStore(path: path)
            tracker = try await IncidentTracker(store: store, confirmations: 1, resolveAfter: 1)
            outbox = try Outbox(store: store)
            notifier = Notifier(settings: settings, outbox: outbox, linkBase: "http://127.0.0.1:9100", logger: WatchFixture.quiet)
            client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
            delivery = NotificationDelivery(
                settings: settings, outbox: outbox, client: client, tracker: tracker, metrics: WatchMetrics(), policy: policy, logger: WatchFixture.quiet)
        }

        /// Opens an incident in `pool` and hands the opening to the notifier.
        func open(_ pool: String = "jobboard", at now: Date = Date()) async throws -> Incident {
            let change = try #require(try await tracker.observe(pool, finding: NotificationDeliveryTests.skew(pool), at: now).first)
            await notifier.handle(change, at: now)
            return change.incident
        }

        func shutdown() async throws { try await client.shutdown() }
    }

    @Test func anOpeningGoesToEveryMatchingRouteOnceAndIsInTheTimeline() async throws {
        let noc = try await RecordingReceiver.start(), engineering = try await RecordingReceiver.start()
        let teardown = Teardown { await noc.stop(); await engineering.stop() }
        defer { teardown.runIfForgotten() }
        let settings = NotifySettings(
            receivers: [Self.webhook("noc", noc, .noc), Self.webhook("eng", engineering, .engineering)],
            routes: [
                NotifyRoute(diagnoses: [.configSkew], receivers: ["noc"], continue: true),
                NotifyRoute(diagnoses: [.backendDown], receivers: ["noc"]),
                NotifyRoute(receivers: ["eng"]),
            ])
        let rig = try await Rig(settings)
        let incident = try await rig.open()
        await rig.delivery.deliverDue(at: Date())
        await rig.delivery.deliverDue(at: Date().addingTimeInterval(60))
        #expect(noc.received.count == 1)
        #expect(engineering.received.count == 1)
        let sent = try #require(noc.received.first)
        #expect(sent.method == "POST")
        #expect(sent.path == "/hook")
        let body = try #require(sent.json as? [String: Any])
        #expect(body["version"] as? String == "4")
        #expect(body["status"] as? String == "firing")
        #expect(sent.idempotencyKey != nil)
        #expect(sent.idempotencyKey != engineering.received.first?.idempotencyKey, "each receiver's delivery has its own key")
        #expect(try await rig.outbox.counts()[.delivered] == 2)
        let stored = try #require(try await rig.store.incident(id: incident.id))
        #expect(stored.timeline.filter { $0.kind == "notified" }.count == 2)
        try await rig.shutdown()
        await teardown.run()
    }

    @Test func aFailingReceiverIsRetriedHonouringRetryAfterAndARefusalIsGivenUp() async throws {
        let receiver = try await RecordingReceiver.start()
        let teardown = Teardown { await receiver.stop() }
        defer { teardown.runIfForgotten() }
        let settings = NotifySettings(receivers: [Self.webhook("hook", receiver, .engineering)], routes: [NotifyRoute(receivers: ["hook"])])
        let rig = try await Rig(settings)
        receiver.answer(503, headers: [("Retry-After", "30")])
        receiver.answer(429)
        let incident = try await rig.open()
        await rig.delivery.deliverDue(at: Date())
        var pending = try #require(try await rig.outbox.deliveries(state: .pending).first)
        #expect(pending.attempts == 1)
        #expect(pending.lastError == "HTTP 503 (Retry-After: 30)")
        #expect(pending.dueAt.timeIntervalSinceNow > 20, "Retry-After (30 s) is honoured over the shorter backoff (at most 1 s here)")
        await rig.delivery.deliverDue(at: Date())
        #expect(receiver.received.count == 1, "not tried again before it is due")
        await rig.delivery.deliverDue(at: Date().addingTimeInterval(31))
        pending = try #require(try await rig.outbox.deliveries(state: .pending).first)
        #expect(pending.attempts == 2)
        #expect(pending.lastError == "HTTP 429")
        await rig.delivery.deliverDue(at: Date().addingTimeInterval(60))
        #expect(try await rig.outbox.counts()[.delivered] == 1)
        let keys = Set(receiver.received.compactMap(\.idempotencyKey))
        #expect(receiver.received.count == 3)
        #expect(keys.count == 1, "every attempt carries the same idempotency key")

        // A 400 says the request is wrong: trying again would not help.
        receiver.answer(400)
        _ = try await rig.tracker.resolve(id: incident.id, by: "alice", text: nil, at: Date())
        await rig.notifier.handleAction(.resolved, incident: try #require(try await rig.store.incident(id: incident.id)), by: Operator(name: "alice", team: .noc, tokenSHA256: ""), text: nil, at: Date())
        await rig.delivery.deliverDue(at: Date())
        let failed = try #require(try await rig.outbox.deliveries(state: .failed).first)
        #expect(failed.lastError == "HTTP 400")
        #expect(try await rig.store.incident(id: incident.id)?.timeline.contains { $0.kind == "notify_failed" } == true)
        try await rig.shutdown()
        await teardown.run()
    }

    @Test func theRetryPolicyBacksOffWithJitterUpToItsCapAndOnlyForRetryableAnswers() {
        let policy = RetryPolicy(base: .seconds(1), cap: .seconds(30), giveUpAfter: .seconds(3600))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        func wait(_ attempt: Int, _ outcome: RetryPolicy.Outcome, random: Double) -> Double? {
            policy.retryAt(after: attempt, outcome: outcome, createdAt: now, now: now, random: random).map { $0.timeIntervalSince(now) }
        }
        #expect(wait(1, .transportError("refused"), random: 1) == 1)
        #expect(wait(3, .status(503, retryAfter: nil), random: 1) == 4)
        #expect(wait(3, .status(503, retryAfter: nil), random: 0) == 2, "jitter takes up to half off")
        #expect(wait(20, .status(500, retryAfter: nil), random: 1) == 30, "capped")
        #expect(wait(1, .status(429, retryAfter: "120"), random: 1) == 120)
        #expect(wait(1, .status(429, retryAfter: "Thu, 01 Jan 1970 00:00:00 GMT"), random: 1) == 1, "a date in the past asks nothing")
        #expect(wait(1, .status(404, retryAfter: nil), random: 1) == nil)
        #expect(wait(1, .status(400, retryAfter: nil), random: 1) == nil)
        #expect(wait(1, .status(408, retryAfter: nil), random: 1) != nil)
        let late = policy.retryAt(after: 9, outcome: .transportError("refused"), createdAt: now, now: now.addingTimeInterval(3601))
        #expect(late == nil, "given up after the deadline")
    }

    @Test func pendingNotificationsSurviveARestartAndArriveOnceTheReceiverIsBack() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-outbox-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let receiver = try await RecordingReceiver.start()
        await receiver.stop()
        let settings = NotifySettings(receivers: [Self.webhook("hook", receiver, .engineering)], routes: [NotifyRoute(receivers: ["hook"])])
        do {
            let rig = try await Rig(settings, path: path)
            _ = try await rig.open("a")
            _ = try await rig.open("b")
            await rig.delivery.deliverDue(at: Date())
            #expect(try await rig.outbox.counts()[.pending] == 2, "refused: both wait")
            try await rig.shutdown()
        }
        // Watch restarts, and the receiver comes back.
        try await receiver.restart()
        let rig = try await Rig(settings, path: path)
        await rig.delivery.deliverDue(at: Date().addingTimeInterval(5))
        await rig.delivery.deliverDue(at: Date().addingTimeInterval(10))
        await rig.delivery.deliverDue(at: Date().addingTimeInterval(20))
        #expect(try await rig.outbox.counts()[.delivered] == 2)
        let pools = receiver.received.compactMap { (($0.json as? [String: Any])?["commonLabels"] as? [String: Any])?["pool"] as? String }
        #expect(pools == ["a", "b"], "in order, each once")
        try await rig.shutdown()
        await receiver.stop()
    }

    @Test func incidentsOfOneGroupWithinTheGroupWaitGoInOneNotification() async throws {
        let receiver = try await RecordingReceiver.start()
        let teardown = Teardown { await receiver.stop() }
        defer { teardown.runIfForgotten() }
        let settings = NotifySettings(
            receivers: [Self.webhook("hook", receiver, .noc)],
            routes: [NotifyRoute(receivers: ["hook"], groupBy: ["diagnosis"], groupWait: .seconds(5))])
        let rig = try await Rig(settings)
        _ = try await rig.open("a")
        _ = try await rig.open("b")
        await rig.delivery.deliverDue(at: Date())
        #expect(receiver.received.isEmpty, "the group waits")
        await rig.delivery.deliverDue(at: Date().addingTimeInterval(6))
        #expect(receiver.received.count == 1)
        let body = try #require(receiver.received.first?.json as? [String: Any])
        #expect((body["alerts"] as? [Any])?.count == 2)
        #expect((body["groupLabels"] as? [String: String]) == ["diagnosis": "config_skew"])
        try await rig.shutdown()
        await teardown.run()
    }

    @Test func aPersonsActionIsToldToTheOtherTeam() async throws {
        let noc = try await RecordingReceiver.start(), engineering = try await RecordingReceiver.start()
        let teardown = Teardown { await noc.stop(); await engineering.stop() }
        defer { teardown.runIfForgotten() }
        let settings = NotifySettings(
            receivers: [Self.webhook("noc", noc, .noc), Self.webhook("eng", engineering, .engineering)],
            routes: [NotifyRoute(receivers: ["noc", "eng"])])
        let rig = try await Rig(settings)
        let incident = try await rig.open()
        await rig.delivery.deliverDue(at: Date())
        let bob = Operator(name: "bob", team: .engineering, tokenSHA256: "")
        let acknowledged = try await rig.tracker.acknowledge(id: incident.id, by: "bob", text: "reverting the hash change", at: Date())
        await rig.notifier.handleAction(.acknowledged, incident: acknowledged, by: bob, text: "reverting the hash change", at: Date())
        await rig.delivery.deliverDue(at: Date())
        #expect(engineering.received.count == 1, "engineering knows what it did")
        #expect(noc.received.count == 2)
        let annotations = ((noc.received.last?.json as? [String: Any])?["alerts"] as? [[String: Any]])?.first?["annotations"] as? [String: String]
        #expect(annotations?["description"]?.contains("bob") == true)
        try await rig.shutdown()
        await teardown.run()
    }
}
