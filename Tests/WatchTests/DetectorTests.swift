import BalancerAPI
import Foundation
import Testing
@testable import Watch

/// Each diagnosis from the numbers that define it, and none from normal noise.
@Suite struct DetectorTests {
    let detector = Detector()
    let normal = PoolFixture.even(100)
    var baseline: PoolBaseline { PoolFixture.baseline(normal) }

    @Test func evenTrafficWanderingByThirtyPercentIsNoFinding() {
        let baseline = self.baseline
        for factor in [0.7, 0.85, 1.0, 1.15, 1.3] {
            var pool = normal
            for i in pool.backends.indices { pool.backends[i].requests = Int(100 * factor) + i * 3 }
            #expect(detector.evaluate(pool.signals(), baseline: baseline) == nil, "×\(factor)")
        }
    }

    @Test func allTrafficOnOneBackendAgainstEvenWeightsIsAConfigSkewNamingIt() throws {
        var pool = normal
        pool.backends[0].requests = 0
        pool.backends[1].requests = 300
        pool.backends[2].requests = 0
        let finding = try #require(detector.evaluate(pool.signals(), baseline: baseline))
        #expect(finding.diagnosis == .configSkew)
        #expect(finding.backends == ["b"])
        #expect(finding.severity == .ticket, "no impact yet: a ticket, not a page")
        let share = try #require(finding.evidence.first { $0.signal == "observed_share" })
        #expect(share.value == 1)
        #expect(abs((share.baseline ?? 0) - 1.0 / 3) < 1e-9)
    }

    @Test func aSkewWhoseOverloadedBackendSlowsDownPagesInsteadOfBlamingTheBackend() throws {
        var pool = normal
        pool.backends[1].requests = 260
        pool.backends[0].requests = 20
        pool.backends[2].requests = 20
        pool.backends[1].latencyMs = 400
        let finding = try #require(detector.evaluate(pool.signals(), baseline: baseline))
        #expect(finding.diagnosis == .configSkew, "the slow backend is the skew's symptom, not backend_degraded")
        #expect(finding.severity == .page)
    }

    @Test func aWeightTypoIsASkewAgainstThePoolsBaselineThoughTheSplitMatchesTheWeights() throws {
        // Weights 1:1:1 became 1:10:1: the balancer does what it is told (observed = expected), but the split jumped.
        var pool = normal
        pool.backends[1].weight = 10
        pool.backends[0].requests = 25
        pool.backends[1].requests = 250
        pool.backends[2].requests = 25
        let finding = try #require(detector.evaluate(pool.signals(), baseline: baseline))
        #expect(finding.diagnosis == .configSkew)
        #expect(finding.backends == ["b"])
        #expect(finding.severity == .info, "absorbed without impact")
        #expect(finding.evidence.contains { $0.signal == "configured_share" && $0.backend == "b" })
    }

    @Test func fiveTimesTheVolumeSharedEvenlyIsASurgeAndNotASkew() throws {
        let finding = try #require(detector.evaluate(PoolFixture.even(500).signals(), baseline: baseline))
        #expect(finding.diagnosis == .trafficSurge)
        #expect(finding.evidence.first { $0.signal == "rate" }.map { $0.value / ($0.baseline ?? 1) }.map { $0 > 4 } == true)
    }

    @Test func fiveTimesTheVolumeFromAFewClientsIsASuspectedAttack() throws {
        let concentration = ClientConcentration(
            topClientsShare: 0.8, topClients: [.init(key: "203.0.113.7", count: 1200), .init(key: "203.0.113.8", count: 400)],
            topPathShare: 0.9, topPath: "/api/v1/jobs")
        let finding = try #require(detector.evaluate(PoolFixture.even(500).signals(), baseline: baseline, concentration: concentration))
        #expect(finding.diagnosis == .attackSuspected)
        #expect(finding.summary.contains("203.0.113.7"))
        let crowd = ClientConcentration(topClientsShare: 0.05, topClients: [], topPathShare: 0.2, topPath: "/")
        #expect(detector.evaluate(PoolFixture.even(500).signals(), baseline: baseline, concentration: crowd)?.diagnosis == .trafficSurge)
    }

    @Test func oneBackendFarSlowerThanItsPeersIsDegraded() throws {
        var pool = normal
        pool.backends[2].latencyMs = 205
        let finding = try #require(detector.evaluate(pool.signals(), baseline: baseline))
        #expect(finding.diagnosis == .backendDegraded)
        #expect(finding.backends == ["c"])
    }

    @Test func oneBackendFailingAFifthOfItsRequestsHasErrors() throws {
        var pool = normal
        pool.backends[0].errors = 20
        let finding = try #require(detector.evaluate(pool.signals(), baseline: baseline))
        #expect(finding.diagnosis == .backendErrors)
        #expect(finding.backends == ["a"])
        #expect(finding.evidence.first?.value == 0.2)
    }

    @Test func aBackendDownLongerThanTheGraceIsDownAndAShortRestartIsNot() throws {
        var pool = normal
        pool.backends[2].state = .down
        pool.backends[2].requests = 0
        pool.backends[0].requests = 150
        pool.backends[1].requests = 150
        #expect(detector.evaluate(pool.signals(), baseline: baseline, unhealthyFor: ["c": 2]) == nil, "a restart of 2 s is not an incident")
        #expect(detector.evaluate(pool.signals(), baseline: baseline, unhealthyFor: ["c": 6]) == nil, "nor one of 6 s")
        let finding = try #require(detector.evaluate(pool.signals(), baseline: baseline, unhealthyFor: ["c": 9]))
        #expect(finding.diagnosis == .backendDown)
        #expect(finding.backends == ["c"])
        #expect(finding.summary.contains("health checks"))
    }

    @Test func everyBackendSlowerTogetherAtNormalVolumeIsASharedSlowdown() throws {
        let finding = try #require(detector.evaluate(PoolFixture.even(100, latencyMs: 120).signals(), baseline: baseline))
        #expect(finding.diagnosis == .sharedSlowdown)
        #expect(Set(finding.backends) == ["a", "b", "c"])
    }

    @Test func tooLittleTrafficIsNotJudged() {
        var pool = normal
        pool.backends[0].requests = 0
        pool.backends[1].requests = 10
        pool.backends[2].requests = 0
        #expect(detector.evaluate(pool.signals(), baseline: baseline) == nil)
    }

    @Test func aColdBaselineJudgesSharesButNotVolume() {
        let cold = PoolBaseline()
        #expect(detector.evaluate(PoolFixture.even(500).signals(), baseline: cold) == nil)
        var pool = normal
        pool.backends[1].requests = 300
        pool.backends[0].requests = 0
        pool.backends[2].requests = 0
        #expect(detector.evaluate(pool.signals(), baseline: cold)?.diagnosis == .configSkew)
    }
}
