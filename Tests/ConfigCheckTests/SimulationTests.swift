import Picking
import BalancerConfig
import ConfigCheck
import Foundation
import Testing

@Suite("Distribution simulation with the balancer's own algorithms")
struct SimulationTests {
    static func pool(_ algorithm: AlgorithmConfig, weights: [Int] = [1, 1, 1]) -> PoolConfig {
        PoolConfig(
            name: "web",
            backends: weights.enumerated().map { index, weight in
                BackendConfig(name: "app\(index + 1)", address: BackendAddress(host: "10.0.0.\(index + 1)", port: 80), weight: weight)
            }, algorithm: algorithm)
    }

    @Test func roundRobinMatchesWeightsExactly() {
        let result = DistributionSimulator(traffic: TrafficModel(requests: 10_000)).simulate(Self.pool(.roundRobin, weights: [5, 3, 2]))
        #expect(result.servers.map(\.expectedShare) == [0.5, 0.3, 0.2])
        #expect(result.servers.map(\.intendedShare) == [0.5, 0.3, 0.2])
    }

    @Test func sourceHashWithFewClientsIsSkewedAndWithManyIsEven() {
        let pool = Self.pool(.consistentHash(key: .sourceIP, boundedLoad: nil))
        let many = DistributionSimulator(traffic: TrafficModel(clients: 50_000, requests: 50_000)).simulate(pool)
        #expect(many.maxExpectedShare < 0.40)
        let few = DistributionSimulator(traffic: TrafficModel(clients: 2, requests: 10_000)).simulate(pool)
        #expect(few.servers.filter { $0.expectedShare > 0 }.count <= 2)
        #expect(few.maxExpectedShare >= 0.45)
    }

    @Test func leastConnectionsSpreadsUnderConcurrency() {
        let result = DistributionSimulator(traffic: TrafficModel(requests: 9_000)).simulate(Self.pool(.leastConnections))
        for server in result.servers { #expect(abs(server.expectedShare - 1.0 / 3) < 0.05) }
    }

    @Test func backupsGetNothingWhilePrimariesServe() {
        var pool = Self.pool(.roundRobin)
        pool.backends[2].backup = true
        let result = DistributionSimulator().simulate(pool)
        #expect(result.servers[2].expectedShare == 0)
        #expect(result.servers[2].intendedShare == 0)
    }

    @Test func reloadCheckerRefusesErrorsAndPassesWarnings() throws {
        let checker = ConfigChecker().reloadChecker()
        var config = BalancerConfiguration(pools: [Self.pool(.roundRobin, weights: [100, 10, 10])])
        #expect(checker(config).contains { $0.severity == .error && $0.message.hasPrefix("EK101") })
        config.pools[0].backends[0].weight = 10
        config.pools[0].slowStart = .seconds(30)
        #expect(!checker(config).contains { $0.severity == .error })
    }
}

@Suite("Bad input is an error with a location, never a crash")
struct ConfigInputTests {
    @Test func randomAndTruncatedInputsNeverCrash() throws {
        let valid = ConfigText().yaml
        var inputs: [String] = []
        for length in 0..<valid.count { inputs.append(String(valid.prefix(length))) }
        for _ in 0..<300 {
            var bytes = Array(valid.utf8)
            let changes = Int.random(in: 1...8)
            for _ in 0..<changes {
                bytes[Int.random(in: 0..<bytes.count)] = UInt8.random(in: 0...127)
            }
            inputs.append(String(decoding: bytes, as: UTF8.self))
        }
        var errors = 0
        for input in inputs {
            do {
                let config = try BalancerConfigLoader.parse(yaml: input, file: "fuzz.yaml")
                _ = ConfigChecker().check(CheckedConfig(configuration: config, source: SourceMap(file: "fuzz.yaml", yaml: input)))
            } catch {
                errors += 1
                #expect(!error.description.isEmpty)
            }
        }
        #expect(errors > 0)
    }

    @Test func unreadableFileIsAnErrorNamingIt() {
        #expect(throws: ConfigError.self) { _ = try ConfigChecker().check(paths: ["/nonexistent/lb.yaml"]) }
    }
}
