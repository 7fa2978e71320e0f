import BalancerConfig
import ConfigCheck
import EvenkeelTestSupport
import Foundation
import Testing

@Suite("Live check: probes through a running balancer against intended shares")
struct LiveCheckTests {
    static let equal: [String: Double] = ["r1": 1, "r2": 1, "r3": 1]

    /// Probes a local server that names backends in `pattern`, and returns the result.
    static func probe(
        _ pattern: [String?], intended: [String: Double] = equal, requests: Int = 300, tolerance: Double = 1.2
    ) async throws -> LiveCheckResult {
        let server = try await BackendPatternServer.start(pattern: pattern)
        let check = try LiveCheck(
            target: "http://127.0.0.1:\(server.port)/", intended: intended, requests: requests, tolerance: tolerance,
            connections: 4, timeout: 5, maxDuration: 30)
        let result = await check.run()
        await server.stop()
        return result
    }

    @Test(.timeLimit(.minutes(1)))
    func evenPatternPasses() async throws {
        let result = try await Self.probe(["r1", "r2", "r3"])
        #expect(result.probes == 300)
        #expect(result.responses == 300)
        #expect(result.attributed == 300)
        #expect(result.unattributed == 0)
        #expect(result.failures.isEmpty)
        #expect(result.backends.map(\.responses) == [100, 100, 100])
        #expect(abs((result.maxShareRatio ?? 0) - 1) < 0.01)
        #expect((result.pValue ?? 0) > 0.9)
        #expect(result.degreesOfFreedom == 2)
        #expect(result.verdict == .pass)
        #expect(result.problems.isEmpty)
        #expect(result.text.contains("PASS"))
    }

    @Test(.timeLimit(.minutes(1)))
    func skewAgainstEqualWeightsFailsOnTheRatio() async throws {
        // 60/20/20 where a third each was intended.
        let result = try await Self.probe(["r1", "r1", "r1", "r2", "r3"], requests: 500)
        #expect(result.backends.map(\.responses) == [300, 100, 100])
        #expect(abs((result.maxShareRatio ?? 0) - 1.8) < 0.01)
        #expect(abs((result.chiSquare ?? 0) - 160) < 0.01)
        #expect((result.pValue ?? 1) < 1e-6)
        #expect(result.verdict == .fail)
        #expect(result.problems.count == 1)
        #expect(result.problems.first?.contains("r1 got 60%") == true)
        #expect(result.text.contains("FAIL: r1 got 60%"))
    }

    @Test(.timeLimit(.minutes(1)))
    func aLooserToleranceAcceptsTheSameSkewDespiteTheSmallP() async throws {
        let result = try await Self.probe(["r1", "r1", "r1", "r2", "r3"], requests: 500, tolerance: 2)
        #expect((result.pValue ?? 1) < 1e-6)
        #expect(result.verdict == .pass)
    }

    @Test(.timeLimit(.minutes(1)))
    func weightsSetTheIntendedShares() async throws {
        let result = try await Self.probe(["a", "b", "a"], intended: ["a": 20, "b": 10])
        #expect(result.backends.map(\.intendedShare).map { ($0 * 1000).rounded() } == [667, 333])
        #expect(abs((result.maxShareRatio ?? 0) - 1) < 0.01)
        #expect(result.verdict == .pass)
    }

    @Test(.timeLimit(.minutes(1)))
    func unknownSilentAndUnattributedAreReported() async throws {
        let result = try await Self.probe(["r1", "r2", "stray", nil], requests: 400)
        #expect(result.responses == 400)
        #expect(result.unattributed == 100)
        #expect(result.attributed == 300)
        #expect(result.unexpectedBackends == ["stray"])
        #expect(result.silentBackends == ["r3"])
        let standings = Dictionary(uniqueKeysWithValues: result.backends.map { ($0.name, $0.standing) })
        #expect(standings == ["r1": .intended, "r2": .intended, "r3": .silent, "stray": .unexpected])
        #expect(result.verdict == .fail)
        #expect(result.problems.contains { $0.contains("not meant to get traffic: stray") })
        #expect(result.problems.contains { $0.contains("answered none of the probes: r3") })
        #expect(result.text.contains("100 without a backend header"))
        #expect(result.text.contains("not in the intended set"))
    }

    @Test(.timeLimit(.minutes(1)))
    func anUnreachableBalancerFailsWithoutCrashing() async throws {
        // Port 1: nothing listens there, and no test server can take it (they bind ephemeral ports), unlike the
        // port of a server just stopped, which a test running alongside may be given.
        let check = try LiveCheck(target: "http://127.0.0.1:1", intended: Self.equal, requests: 20, connections: 2, timeout: 1, maxDuration: 2)
        let result = await check.run()
        #expect(result.responses == 0)
        #expect(result.failures.values.reduce(0, +) > 0)
        #expect(result.maxShareRatio == nil)
        #expect(result.verdict == .fail)
        #expect(result.problems == ["no probe got a response"])
    }

    @Test func resultEncodesWithSnakeCaseKeys() throws {
        let result = LiveCheckResult(
            target: "http://lb:8080/", probes: 10, counts: ["a": 6, "b": 4], unattributed: 0, intended: ["a": 1, "b": 1], tolerance: 1.2)
        let data = try JSONEncoder().encode(result)
        let json = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["verdict"] as? String == "pass")
        #expect(abs((json["max_share_ratio"] as? Double ?? 0) - 1.2) < 1e-9)
        #expect(json["p_value"] is Double)
        #expect(json["degrees_of_freedom"] as? Int == 1)
        let backends = try #require(json["backends"] as? [[String: Any]])
        #expect(backends.first?["observed_share"] as? Double == 0.6)
        #expect(backends.first?["intended_share"] as? Double == 0.5)
        #expect(try JSONDecoder().decode(LiveCheckResult.self, from: data) == result)
    }

    @Test func zeroWeightBackendsAreIdleUntilTheyAnswer() {
        let idle = LiveCheckResult(
            target: "t", probes: 4, counts: ["a": 4], unattributed: 0, intended: ["a": 1, "z": 0], tolerance: 1.2)
        #expect(idle.backends.map(\.standing) == [.intended, .idle])
        #expect(idle.verdict == .pass)
        #expect(idle.chiSquare == nil)  // one weighted backend: nothing to test
        let answered = LiveCheckResult(
            target: "t", probes: 4, counts: ["a": 3, "z": 1], unattributed: 0, intended: ["a": 1, "z": 0], tolerance: 1.2)
        #expect(answered.unexpectedBackends == ["z"])
        #expect(answered.verdict == .fail)
    }

    @Test func settingsAreValidated() {
        #expect(throws: LiveCheckError.self) { try LiveCheck(target: "ftp://lb:21", intended: Self.equal) }
        #expect(throws: LiveCheckError.self) { try LiveCheck(target: "lb:8080", intended: Self.equal) }
        // An https balancer is probed over TLS (the distribution is the question, not the certificate's trust).
        let secure = try? LiveCheck(target: "https://lb:8443", intended: Self.equal)
        #expect(secure?.secure == true)
        #expect(secure?.target == "https://lb:8443/")
        #expect(throws: LiveCheckError.self) { try LiveCheck(target: "http://lb:8080", intended: Self.equal, requests: 0) }
        #expect(throws: LiveCheckError.self) { try LiveCheck(target: "http://lb:8080", intended: Self.equal, tolerance: 0.9) }
        #expect(throws: LiveCheckError.self) { try LiveCheck(target: "http://lb:8080", intended: [:]) }
        #expect(throws: LiveCheckError.self) { try LiveCheck(target: "http://lb:8080", intended: ["a": 0]) }
        #expect(throws: LiveCheckError.self) { try LiveCheck(target: "http://lb:8080", intended: ["a": -1, "b": 2]) }
    }

    @Test func targetsParse() throws {
        let plain = try LiveCheck(target: "http://127.0.0.1:8080", intended: Self.equal)
        #expect(plain.host == "127.0.0.1")
        #expect(plain.port == 8080)
        #expect(plain.path == "/")
        let withPath = try LiveCheck(target: "http://lb.internal/api/v1/jobs?q=x", intended: Self.equal)
        #expect(withPath.port == 80)
        #expect(withPath.path == "/api/v1/jobs?q=x")
        let v6 = try LiveCheck(target: "http://[::1]:9000/", intended: Self.equal)
        #expect(v6.host == "::1")
        #expect(v6.target == "http://[::1]:9000/")
    }
}

@Suite("Intended shares from an Evenkeel balancer configuration")
struct IntendedDistributionTests {
    static let yaml = """
        backend_header: X-Served-By
        pools:
          - name: web
            path_prefix: /
            backends:
              - { name: replica-1, address: 127.0.0.1:8081, weight: 2 }
              - { name: replica-2, address: 127.0.0.1:8082 }
              - { name: spare, address: 127.0.0.1:8083, backup: true }
          - name: api
            path_prefix: /api
            algorithm: { type: consistent_hash, key: source_ip }
            backends:
              - { name: api-1, address: 127.0.0.1:9081, weight: 5 }
              - { name: api-2, address: 127.0.0.1:9082, weight: 0 }
        """

    static func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("livecheck-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func rootPoolPrimariesByName() throws {
        let path = try Self.write(Self.yaml)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let distribution = try IntendedDistribution.evenkeel(configPath: path)
        #expect(distribution.pool == "web")
        #expect(distribution.backendHeader == "X-Served-By")
        #expect(distribution.weights == ["replica-1": 2, "replica-2": 1])
        #expect(distribution.caveat == nil)
    }

    @Test func longestPrefixPoolAndHashingCaveat() throws {
        let path = try Self.write(Self.yaml)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let distribution = try IntendedDistribution.evenkeel(configPath: path, path: "/api/v1/jobs")
        #expect(distribution.pool == "api")
        #expect(distribution.weights == ["api-1": 5, "api-2": 0])
        #expect(distribution.caveat?.contains("hashes on") == true)
        let check = try LiveCheck(target: "http://127.0.0.1:8080/api/v1/jobs", distribution: distribution)
        #expect(check.backendHeaders == ["X-Served-By"])
        #expect(check.notes.count == 1)
    }

    @Test func unreadableConfigIsATypedError() {
        let error = #expect(throws: LiveCheckError.self) {
            try IntendedDistribution.evenkeel(configPath: "/nonexistent/lb.yaml")
        }
        guard case .config = error else {
            Issue.record("expected a configuration error, got \(String(describing: error))")
            return
        }
    }
}
