import Foundation
import Testing
@testable import Watch

@Suite struct IncidentTrackerTests {
    func skew(_ share: Double = 1, severity: Severity = .ticket) -> Finding {
        Finding(
            diagnosis: .configSkew, severity: severity, backends: ["b"], summary: "b gets \(share)",
            evidence: [Evidence(signal: "observed_share", backend: "b", value: share, baseline: 0.33)])
    }

    static func temporaryDatabase() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID().uuidString).sqlite").path
    }

    @Test func aFindingOpensAnIncidentOnlyOnceConfirmedAndLinksTheChangeBeforeOnset() async throws {
        let tracker = try await IncidentTracker(store: try IncidentStore(path: ":memory:"), confirmations: 2, resolveAfter: 3)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let change = ConfigChange(at: t0.addingTimeInterval(-1), source: "http://127.0.0.1:9090", diff: "algorithm web round_robin→consistent_hash(key: source_ip)")
        #expect(try await tracker.observe("web", finding: skew(), at: t0) { _ in change }.isEmpty, "one evaluation is not enough")
        let opened = try await tracker.observe("web", finding: skew(), at: t0.addingTimeInterval(1)) { onset in
            #expect(onset == t0, "the onset is the first evaluation that saw it")
            return change
        }
        #expect(opened.first?.kind == .opened)
        let incident = try #require(opened.first?.incident)
        #expect(incident.id > 0)
        #expect(incident.state == .open)
        #expect(incident.configChange == change)
        #expect(incident.timeline.map(\.kind) == ["config_change", "detected", "opened"])
        #expect(await tracker.isAbnormal("web"))
    }

    @Test func aFindingThatComesAndGoesNeverOpensOne() async throws {
        let tracker = try await IncidentTracker(store: try IncidentStore(path: ":memory:"), confirmations: 2, resolveAfter: 3)
        let t0 = Date()
        for second in 0..<10 {
            let finding = second % 2 == 0 ? skew() : nil
            #expect(try await tracker.observe("web", finding: finding, at: t0.addingTimeInterval(Double(second))).isEmpty)
        }
        #expect(await tracker.active.isEmpty)
    }

    @Test func theDiagnosisChangesOnceConfirmedAndTheIncidentResolvesAfterTheDelay() async throws {
        let store = try IncidentStore(path: ":memory:")
        let tracker = try await IncidentTracker(store: store, confirmations: 2, resolveAfter: 3)
        let t0 = Date()
        _ = try await tracker.observe("web", finding: skew(), at: t0)
        let id = try #require(try await tracker.observe("web", finding: skew(), at: t0 + 1).first?.incident.id)
        let degraded = Finding(diagnosis: .backendDegraded, severity: .page, backends: ["c"], summary: "c is slow", evidence: [])
        #expect(try await tracker.observe("web", finding: degraded, at: t0 + 2).isEmpty, "one evaluation does not change a diagnosis")
        let change = try #require(try await tracker.observe("web", finding: degraded, at: t0 + 3).first)
        #expect(change.kind == .escalated)
        let changed = change.incident
        #expect(changed.diagnosis == .backendDegraded)
        #expect(changed.severity == .page)
        let milder = Finding(diagnosis: .backendDegraded, severity: .ticket, backends: ["c"], summary: "c is slow", evidence: [])
        _ = try await tracker.observe("web", finding: milder, at: t0 + 3)
        #expect(await tracker.active.first?.severity == .page, "a page is not taken back while the incident lasts")
        #expect(changed.timeline.contains { $0.kind == "diagnosis_changed" && $0.text.contains("config_skew → backend_degraded") })
        #expect(try await tracker.observe("web", finding: nil, at: t0 + 4).isEmpty)
        #expect(try await tracker.observe("web", finding: nil, at: t0 + 5.9).isEmpty, "normal for 2.9 s, not 3")
        let resolution = try #require(try await tracker.observe("web", finding: nil, at: t0 + 6.1).first)
        #expect(resolution.kind == .resolved)
        let resolved = resolution.incident
        #expect(resolved.state == .resolved)
        #expect(resolved.resolvedAt == t0 + 6.1)
        let stored = try #require(try await store.incident(id: id))
        #expect(stored.state == .resolved)
        #expect(stored.timeline.last?.kind == "resolved")
    }

    @Test func incidentsSurviveARestartAndAnOpenOneIsTakenUpAgain() async throws {
        let path = Self.temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let t0 = Date()
        do {
            let tracker = try await IncidentTracker(store: try IncidentStore(path: path), confirmations: 1, resolveAfter: 3)
            _ = try await tracker.observe("web", finding: skew(), at: t0)
        }
        // A new process: a new store on the same file, a new tracker.
        let store = try IncidentStore(path: path)
        let open = try await store.incidents(states: [.open])
        #expect(open.count == 1)
        #expect(open.first?.diagnosis == .configSkew)
        let tracker = try await IncidentTracker(store: store, confirmations: 1, resolveAfter: 3)
        #expect(await tracker.active.map(\.id) == open.map(\.id))
        // The same trouble continues the same incident rather than opening a second.
        _ = try await tracker.observe("web", finding: skew(0.9), at: t0 + 1)
        #expect(try await store.incidents().count == 1)
    }

    @Test func theStoreFiltersByStateAndKeepsNullsInTheDocument() async throws {
        let store = try IncidentStore(path: ":memory:")
        let incident = try await store.insert(
            Incident(id: 0, diagnosis: .backendDown, severity: .page, pool: "web", backends: ["a"], openedAt: Date(), summary: "a is down", evidence: [], configChange: nil, timeline: []))
        #expect(try await store.incidents(states: [.resolved]).isEmpty)
        #expect(try await store.incidents(states: [.open, .acknowledged]).map(\.id) == [incident.id])
        let json = String(decoding: try WatchJSON.encoder().encode(incident), as: UTF8.self)
        #expect(json.contains("\"config_change\" : null"))
        #expect(json.contains("\"resolved_at\" : null"))
        #expect(json.contains("\"opened_at\" : \""))
    }

    @Test func theLatestChangeBeforeOnsetIsTheOneLinked() {
        var log = ConfigChangeLog()
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        log.record(ConfigChange(at: t0 - 600, source: "s", diff: "old", hash: "1"))
        log.record(ConfigChange(at: t0 - 5, source: "s", diff: "the one", hash: "2"))
        let again = log.record(ConfigChange(at: t0 - 5, source: "s", diff: "the one", hash: "2"))
        #expect(!again, "seen twice, kept once")
        log.record(ConfigChange(at: t0 + 60, source: "s", diff: "after", hash: "3"))
        #expect(log.nearest(before: t0)?.diff == "the one")
        #expect(log.nearest(before: t0, within: 2) == nil)
        #expect(log.changes.count == 3)
    }

    @Test func aPersonAcknowledgesNotesAndResolvesAndEachActionIsInTheTimelineWithWho() async throws {
        let store = try IncidentStore(path: ":memory:")
        let tracker = try await IncidentTracker(store: store, confirmations: 1, resolveAfter: 30)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let id = try #require(try await tracker.observe("web", finding: skew(), at: t0).first?.incident.id)

        let acknowledged = try await tracker.acknowledge(id: id, by: "alice", text: "looking at the hash change", at: t0 + 60)
        #expect(acknowledged.state == .acknowledged)
        #expect(acknowledged.acknowledgedBy == "alice")
        await #expect(throws: IncidentActionError.alreadyAcknowledged(id: id, by: "alice")) {
            try await tracker.acknowledge(id: id, by: "bob", text: nil, at: t0 + 61)
        }
        // The signals go on being evaluated; the acknowledgement stays.
        _ = try await tracker.observe("web", finding: skew(0.9), at: t0 + 62)
        #expect(await tracker.active.first?.state == .acknowledged)

        _ = try await tracker.addNote(id: id, by: "bob", text: "reverted at 12:41", at: t0 + 70)
        await #expect(throws: IncidentActionError.emptyNote) { try await tracker.addNote(id: id, by: "bob", text: "  ", at: t0 + 71) }
        let resolved = try await tracker.resolve(id: id, by: "alice", text: "config reverted", at: t0 + 80)
        #expect(resolved.state == .resolved)
        #expect(resolved.resolvedBy == "alice")
        #expect(await tracker.active.isEmpty)

        let stored = try #require(try await store.incident(id: id))
        let people = stored.timeline.filter { $0.by != nil }.map { "\($0.kind) \($0.by!)" }
        #expect(people == ["acknowledged alice", "note bob", "resolved alice"])
        await #expect(throws: IncidentActionError.alreadyResolved(id: id)) { try await tracker.resolve(id: id, by: "bob", text: nil, at: t0 + 81) }
        await #expect(throws: IncidentActionError.notFound(id: 999)) { try await tracker.acknowledge(id: 999, by: "bob", text: nil, at: t0 + 81) }
        // A resolved incident still takes notes: the postmortem's authors add what they learn.
        let noted = try await tracker.addNote(id: id, by: "carol", text: "root cause confirmed", at: t0 + 90)
        #expect(noted.timeline.last?.by == "carol")
        #expect(try await store.incident(id: id)?.timeline.last?.text == "root cause confirmed")
    }

    @Test func theImpactAddsUpRequestsAndKeepsThePeaksAndTheLevelsBefore() async throws {
        let store = try IncidentStore(path: ":memory:")
        let tracker = try await IncidentTracker(store: store, confirmations: 1, resolveAfter: 2)
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        _ = try await tracker.observe("web", finding: skew(), at: t0)
        let before = Impact.Levels(rate: 100, p99: 40, errorRatio: 0)
        func window(a: Int, b: Int, latencyMs: Double, errors: Int) -> PoolSignals {
            PoolFixture(backends: [
                .init(name: "a", requests: a, errors: errors, latencyMs: latencyMs), .init(name: "b", requests: b, latencyMs: latencyMs),
            ]).signals()
        }
        let skewed = window(a: 400, b: 100, latencyMs: 900, errors: 50)
        let even = window(a: 750, b: 750, latencyMs: 300, errors: 0)
        await tracker.measure("web", signals: skewed, seconds: 1, before: before)
        await tracker.measure("web", signals: even, seconds: 1, before: nil)
        _ = try await tracker.observe("web", finding: nil, at: t0 + 1)
        let resolved = try #require(try await tracker.observe("web", finding: nil, at: t0 + 3).first?.incident)
        let impact = try #require(resolved.impact)
        #expect(impact.before == before, "the levels before are the ones at the first measurement")
        #expect(impact.requests == skewed.rate + even.rate)
        #expect(abs(impact.failedRequests - skewed.rate * skewed.errorRatio) < 1e-9)
        #expect(skewed.errorRatio > 0)
        #expect(impact.peakShare == 0.8)
        #expect(impact.peakShareBackend == "a")
        #expect(impact.peakShareExpected == 0.5)
        #expect(impact.peakP99 == max(skewed.p99, even.p99))
        #expect(impact.peakRate == even.rate)
        #expect(abs(impact.during.p99 - (skewed.p99 + even.p99) / 2) < 1e-9)
        #expect(impact.seconds == 2)
        #expect(try await store.incident(id: resolved.id)?.impact == impact, "the impact is stored with the incident")
    }
}
