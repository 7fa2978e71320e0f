import AsyncHTTPClient
import Balancer
import BalancerAPI
import BalancerConfig
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import Watch

extension WatchEndToEnd {
    /// Each diagnosis through the real thing: a balancer on 127.0.0.1, backends that misbehave on cue, steady traffic,
    /// and Watch reading the balancer's admin API.
    @Suite(.timeLimit(.minutes(2)))
    struct EndToEndDiagnosisTests {
        @Test func hashingOnTheSourceAddressBehindOneAddressIsAConfigSkewNamingTheChangeAndItResolvesWhenReverted() async throws {
            try await WatchEndToEnd.afterTheSuitesStart()
            let fixture = try await WatchFixture()
            try await fixture.warmUp()
            let before = try await fixture.store.incidents()
            #expect(before.isEmpty, "normal traffic opens nothing")
            var hashed = fixture.config
            hashed.pools[0].algorithm = .consistentHash(key: .sourceIP, boundedLoad: nil)
            let event = await fixture.balancer.reload(to: hashed, trigger: "test")
            #expect(event.result == .applied)
            let found = try await fixture.waitForIncident(.configSkew)
            let (incident, seconds) = try #require(found, "no config_skew incident")
            #expect(seconds < 10)
            #expect(incident.configChange?.diff == event.diff)
            #expect(incident.configChange?.diff.contains("round_robin→consistent_hash") == true)
            #expect(incident.backends.count == 1)
            #expect(incident.timeline.first?.kind == "config_change")
            #expect(await fixture.balancer.reload(to: fixture.config, trigger: "test").result == .applied)
            let resolved = try await fixture.waitForResolution(incident.id)
            #expect(resolved?.state == .resolved)
            await fixture.stop()
        }

        @Test func oneBackendFailingAQuarterOfItsRequestsIsBackendErrors() async throws {
            try await WatchEndToEnd.afterTheSuitesStart()
            let fixture = try await WatchFixture()
            try await fixture.warmUp()
            fixture.backends[2].knobs.withLock { $0.failEvery = 4 }
            let found = try await fixture.waitForIncident(.backendErrors)
            let (incident, seconds) = try #require(found, "no backend_errors incident")
            #expect(incident.backends == ["c"])
            #expect(seconds < 15)
            await fixture.stop()
        }

        @Test func oneBackend200msSlowerIsBackendDegradedNotASkew() async throws {
            try await WatchEndToEnd.afterTheSuitesStart()
            let fixture = try await WatchFixture()
            try await fixture.warmUp()
            fixture.backends[1].knobs.withLock { $0.delay = .milliseconds(200) }
            let found = try await fixture.waitForIncident(.backendDegraded)
            let (incident, seconds) = try #require(found, "no backend_degraded incident")
            #expect(incident.backends == ["b"])
            #expect(seconds < 15)
            let diagnoses = try await fixture.store.incidents().map(\.diagnosis)
            #expect(!diagnoses.contains(.configSkew))
            await fixture.stop()
        }

        @Test func everyBackendSlowerTogetherIsASharedSlowdownNotOneSickBackend() async throws {
            try await WatchEndToEnd.afterTheSuitesStart()
            let fixture = try await WatchFixture()
            try await fixture.warmUp()
            for backend in fixture.backends { backend.knobs.withLock { $0.delay = .milliseconds(150) } }
            let found = try await fixture.waitForIncident(.sharedSlowdown)
            let (incident, seconds) = try #require(found, "no shared_slowdown incident")
            #expect(Set(incident.backends) == ["a", "b", "c"])
            #expect(seconds < 15)
            let diagnoses = try await fixture.store.incidents().map(\.diagnosis)
            #expect(!diagnoses.contains(.backendDegraded))
            await fixture.stop()
        }

        @Test func aStoppedBackendIsBackendDownWithWhatTheBalancerDid() async throws {
            try await WatchEndToEnd.afterTheSuitesStart()
            let health = HealthConfig(enabled: true, path: "/healthz", interval: .milliseconds(200), timeout: .milliseconds(500), rise: 2, fall: 2)
            let fixture = try await WatchFixture(health: health)
            try await fixture.warmUp()
            await fixture.backends[0].stop()
            let found = try await fixture.waitForIncident(.backendDown)
            let (incident, seconds) = try #require(found, "no backend_down incident")
            #expect(incident.backends == ["a"])
            #expect(incident.summary.contains("took it out of rotation"))
            #expect(seconds < 15)
            await fixture.stop()
        }

        /// Base traffic from 40 loopback addresses; once `extra` is switched on, four times as much again from the
        /// addresses and to the path it names.
        final class SpikePlan: Sendable {
            let on = Atomic<Bool>(false)
            let crowd = SourceAddressDriver.addresses(40)
            let extraAddresses: [String]
            let extraPath: String

            init(extraAddresses: [String]?, extraPath: String = "/") {
                self.extraAddresses = extraAddresses ?? crowd
                self.extraPath = extraPath
            }

            func drive(port: Int) async {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await SourceAddressDriver.drive(port: port, rate: 15, addresses: self.crowd) }
                    group.addTask {
                        while !Task.isCancelled, !self.on.load(ordering: .relaxed) { try? await Task.sleep(for: .milliseconds(50)) }
                        await SourceAddressDriver.drive(port: port, path: self.extraPath, rate: 60, addresses: self.extraAddresses)
                    }
                }
            }
        }

        @Test func fiveTimesTheTrafficFromManyClientsIsASurge() async throws {
            try await WatchEndToEnd.afterTheSuitesStart()
            let plan = SpikePlan(extraAddresses: nil)
            let fixture = try await WatchFixture(traffic: { port, _ in await plan.drive(port: port) })
            try await fixture.warmUp()
            plan.on.store(true, ordering: .relaxed)
            let found = try await fixture.waitForIncident(.trafficSurge)
            let (incident, seconds) = try #require(found, "no traffic_surge incident")
            #expect(seconds < 15)
            #expect(incident.evidence.contains { $0.signal == "top_clients_share" && $0.value < 0.5 })
            let diagnoses = try await fixture.store.incidents().map(\.diagnosis)
            #expect(!diagnoses.contains(.configSkew) && !diagnoses.contains(.attackSuspected))
            await fixture.stop()
        }

        @Test func fiveTimesTheTrafficFromTwoClientsOnOnePathIsASuspectedAttack() async throws {
            try await WatchEndToEnd.afterTheSuitesStart()
            let plan = SpikePlan(extraAddresses: ["127.0.9.1", "127.0.9.2"], extraPath: "/api/v1/auth/login")
            let fixture = try await WatchFixture(traffic: { port, _ in await plan.drive(port: port) })
            try await fixture.warmUp()
            plan.on.store(true, ordering: .relaxed)
            let found = try await fixture.waitForIncident(.attackSuspected)
            let (incident, seconds) = try #require(found, "no attack_suspected incident")
            #expect(seconds < 15)
            #expect(incident.summary.contains("127.0.9."))
            #expect(incident.summary.contains("/api/v1/auth/login"))
            let diagnoses = try await fixture.store.incidents().map(\.diagnosis)
            #expect(!diagnoses.contains(.configSkew))
            await fixture.stop()
        }

        @Test func aBalancerWatchCannotReadIsTargetUnreachableAndNeverACrash() async throws {
            try await WatchEndToEnd.afterTheSuitesStart()
            let dead = "http://127.0.0.1:\(try await WatchEndToEnd.closedPort())"
            let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
            let store = try IncidentStore(path: ":memory:")
            let settings = WatchFixture.settings([dead])
            let engine = WatchEngine(
                settings: settings, sources: [BalancerSource(baseURL: dead, client: client)],
                tracker: try await IncidentTracker(store: store, confirmations: 2, resolveAfter: 2), metrics: WatchMetrics(), logger: WatchFixture.quiet)
            let start = Date()
            for i in 0..<16 { await engine.poll(at: start.addingTimeInterval(Double(i) * 0.25)) }
            let incident = try #require(try await store.incidents(states: [.open]).first)
            #expect(incident.diagnosis == .targetUnreachable)
            #expect(incident.pool == "source \(dead)")
            #expect(incident.summary.contains("unreachable"))
            #expect(await engine.sourceStatus().first?.ok == false)
            try await client.shutdown()
        }
    }

    /// A port on 127.0.0.1 nothing listens on (bound and released).
    static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress!.port!
        try await channel.close()
        return port
    }
}
