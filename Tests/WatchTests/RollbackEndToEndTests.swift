import AsyncHTTPClient
import Balancer
import BalancerAPI
import BalancerConfig
import Foundation
import Testing
@testable import Watch

extension WatchEndToEnd {
    /// From the incident to the fix in seconds: a skew traced to a reload is rolled back on the balancer, by a
    /// person or (where chosen) by Watch itself, and the traffic evens out.
    @Suite(.timeLimit(.minutes(2)))
    struct RollbackEndToEndTests {
        static let hashed = "{type: consistent_hash, key: source_ip}"

        @Test func anOperatorRollsASkewBackAndTheTimelineShowsTheTrafficAfter() async throws {
            try await WatchEndToEnd.afterTheSuitesStart()
            let fixture = try await WatchFixture(fromFile: true)
            try await fixture.warmUp()
            let original = fixture.balancer.runtime.generation.hash
            #expect(try await fixture.reloadFile(algorithm: Self.hashed).result == .applied)
            let (incident, _) = try #require(try await fixture.waitForIncident(.configSkew), "no config_skew incident")
            #expect(incident.configChange?.previousHash == original)

            let alice = Operator(name: "alice", team: .engineering, tokenSHA256: Operator.hash(token: "t"))
            let (after, outcome) = try await fixture.engine.rollback(id: incident.id, by: alice)
            #expect(outcome.applied, "\(outcome.description)")
            #expect(fixture.balancer.runtime.generation.hash == original)
            #expect(after.timeline.last?.kind == "rollback")
            #expect(after.timeline.last?.by == "alice")
            #expect(try String(contentsOfFile: try #require(fixture.configPath), encoding: .utf8).contains("round_robin"))

            _ = try #require(try await fixture.waitForResolution(incident.id), "not resolved after the rollback")
            // Ten seconds after the rollback Watch writes down how the traffic is shared.
            var followUp: TimelineEntry?
            for _ in 0..<150 where followUp == nil {
                followUp = try await fixture.store.incident(id: incident.id)?.timeline.first { $0.kind == "traffic_after_rollback" }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(followUp?.text.contains("expected") == true, "\(String(describing: followUp))")
            await fixture.stop()
        }

        @Test func withAutoRollbackWatchPutsTheChangeBackByItselfOnceAndSaysSo() async throws {
            try await WatchEndToEnd.afterTheSuitesStart()
            let fixture = try await WatchFixture(fromFile: true, autoRollback: .pools(["web"]))
            try await fixture.warmUp()
            let original = fixture.balancer.runtime.generation.hash
            let clock = ContinuousClock()
            let start = clock.now
            let reloaded = try await fixture.reloadFile(algorithm: Self.hashed)
            #expect(reloaded.result == .applied)
            #expect(fixture.balancer.runtime.generation.hash != original, "\(reloaded)")
            var rolledBack: Duration?
            while clock.now - start < .seconds(20) {
                if fixture.balancer.runtime.generation.hash == original {
                    rolledBack = clock.now - start
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            let seconds = try #require(rolledBack, "not rolled back by itself").seconds
            #expect(seconds < 10, "rolled back \(seconds) s after the reload")
            // (The balancer serves the old configuration a moment before Watch has its answer and writes the timeline.)
            var rollbacks: [TimelineEntry] = []
            for _ in 0..<50 where rollbacks.isEmpty {
                let incident = try #require(try await fixture.store.incidents().first { $0.diagnosis == .configSkew })
                rollbacks = incident.timeline.filter { $0.kind == "rollback" }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(rollbacks.count == 1, "once per incident")
            #expect(rollbacks.first?.by == nil)
            #expect(rollbacks.first?.text.hasPrefix("Automatic rollback") == true)
            #expect(fixture.balancer.events.all.last { $0.result == .applied }?.trigger == "rollback")
            await fixture.stop()
        }
    }
}

/// The guards around rollbacks, without a balancer: what Watch will not roll back, by hand or by itself.
@Suite struct RollbackGuardTests {
    static func skew(change: ConfigChange?, pool: String = "web", opened: Date = Date()) -> Incident {
        Incident(
            id: 7, diagnosis: .configSkew, severity: .page, pool: pool, backends: ["b"], openedAt: opened, summary: "b takes 90%", evidence: [],
            configChange: change, timeline: [TimelineEntry(at: opened, kind: "detected", text: "first seen")])
    }

    @Test func automaticRollbackNeedsItsPoolARecentBalancerChangeAndOnlyOnce() {
        let now = Date()
        let recent = ConfigChange(at: now - 30, source: "http://127.0.0.1:9090", diff: "algorithm", hash: "new", previousHash: "old")
        let on = AutoRollback.pools(["web"])
        #expect(on.allows(Self.skew(change: recent), alreadyRolledBack: false))
        #expect(!on.allows(Self.skew(change: recent), alreadyRolledBack: true), "once per incident")
        #expect(!AutoRollback.none.allows(Self.skew(change: recent), alreadyRolledBack: false), "off by default")
        #expect(!on.allows(Self.skew(change: recent, pool: "api"), alreadyRolledBack: false), "only the pools chosen")
        #expect(AutoRollback.every.allows(Self.skew(change: recent, pool: "api"), alreadyRolledBack: false))
        var old = recent
        old.at = now - 16 * 60
        #expect(!on.allows(Self.skew(change: old), alreadyRolledBack: false), "a change 16 minutes before onset is not the cause to undo")
        let file = ConfigChange(at: now - 30, source: "/etc/haproxy/haproxy.cfg", diff: "-balance roundrobin +balance source", hash: "x")
        #expect(!on.allows(Self.skew(change: file), alreadyRolledBack: false), "HAProxy and nginx are restored by their own tooling")
        var noPrevious = recent
        noPrevious.previousHash = nil
        #expect(!on.allows(Self.skew(change: noPrevious), alreadyRolledBack: false))
        var degraded = Self.skew(change: recent)
        degraded.diagnosis = .backendDegraded
        #expect(!on.allows(degraded, alreadyRolledBack: false), "only a skew")
        #expect(!on.allows(Self.skew(change: nil), alreadyRolledBack: false), "only with a change linked")
    }

    @Test func aRollbackByHandIsRefusedWithTheReasonWhenNothingCanBeRolledBack() async throws {
        let store = try IncidentStore(path: ":memory:")
        let tracker = try await IncidentTracker(store: store, confirmations: 1, resolveAfter: 60)
        let fileChange = ConfigChange(at: Date() - 5, source: "/etc/nginx/nginx.conf", diff: "+ip_hash;", hash: "x")
        let opened = try await tracker.observe(
            "web", finding: Finding(diagnosis: .configSkew, severity: .page, backends: ["b"], summary: "b takes 90%", evidence: []), at: Date()
        ) { _ in fileChange }
        let id = try #require(opened.first?.incident.id)
        let engine = WatchEngine(
            settings: WatchSettings(balancers: []), sources: [], tracker: tracker, metrics: WatchMetrics(),
            rollbacks: BalancerRollback(client: .shared, tokenFile: nil), logger: WatchFixture.quiet)
        let alice = Operator(name: "alice", team: .engineering, tokenSHA256: "")
        do {
            _ = try await engine.rollback(id: id, by: alice)
            Issue.record("a file change was rolled back")
        } catch {
            guard case .cannotRollBack(_, let reason) = error else { Issue.record("\(error)"); return }
            #expect(reason.contains("/etc/nginx/nginx.conf"))
            #expect(reason.contains("own tooling"))
        }
        await #expect(throws: IncidentActionError.notFound(id: 99)) { try await engine.rollback(id: 99, by: alice) }
        #expect(try await store.incident(id: id)?.timeline.contains { $0.kind == "rollback" } == false, "nothing recorded")
    }
}
