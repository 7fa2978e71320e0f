import BalancerConfig
import Foundation
import Testing

@Suite("Loading a balancer configuration")
struct ConfigLoadingTests {
    static let full = """
        listeners:
          proxy: { address: 0.0.0.0, port: 8088 }
          admin: { address: 127.0.0.1, port: 9099 }
        backend_header: X-Served-By
        access_log:
          path: /var/log/evenkeel/access.log
          format: json
        timeouts:
          connect: 500ms
          response: 15s
          idle: 1m
          header_read: 3s
          queue: 2s
          tunnel: 10m
        limits:
          max_header_bytes: 8192
          max_body_bytes: 1048576
          queue_size: 50
          max_client_connections: 2000
          underscores_in_headers: true
        pools:
          - name: web
            path_prefix: /
            algorithm:
              type: consistent_hash
              key: cookie:session
              bounded_load: 1.25
            health:
              path: /ready
              interval: 2s
              timeout: 1s
              rise: 3
              fall: 2
            outlier:
              consecutive_failures: 4
              base_ejection_time: 10s
              max_ejection_percent: 34
            slow_start: 20s
            retry:
              attempts: 1
              budget_percent: 10
            backends:
              - name: a
                address: 10.0.0.1:8081
                weight: 3
                max_connections: 64
              - name: b
                address: "[::1]:8082"
              - name: spare
                address: spare.internal:8083
                backup: true
          - name: api
            path_prefix: /api/
            algorithm: least_connections
            backends:
              - address: 127.0.0.1:7001
        """

    @Test func parsesEveryKeyOfAFullFile() throws {
        let c = try BalancerConfigLoader.parse(yaml: Self.full, file: "full.yaml")
        #expect(c.listeners.proxy == ListenAddress(host: "0.0.0.0", port: 8088))
        #expect(c.listeners.admin == ListenAddress(host: "127.0.0.1", port: 9099))
        #expect(c.backendHeader == "X-Served-By")
        #expect(c.accessLog == AccessLogConfig(path: "/var/log/evenkeel/access.log", format: .json))
        #expect(c.timeouts == TimeoutsConfig(connect: .milliseconds(500), response: .seconds(15), idle: .seconds(60), headerRead: .seconds(3), queue: .seconds(2), tunnel: .seconds(600)))
        #expect(c.limits == LimitsConfig(maxHeaderBytes: 8192, maxBodyBytes: 1_048_576, queueSize: 50, maxClientConnections: 2000, underscoresInHeaders: true))
        #expect(c.pools.count == 2)
        let web = c.pools[0]
        #expect(web.name == "web")
        #expect(web.algorithm == .consistentHash(key: .cookie("session"), boundedLoad: 1.25))
        #expect(web.health == HealthConfig(enabled: true, path: "/ready", interval: .seconds(2), timeout: .seconds(1), rise: 3, fall: 2))
        #expect(web.outlier == OutlierConfig(enabled: true, consecutiveFailures: 4, baseEjectionTime: .seconds(10), maxEjectionPercent: 34))
        #expect(web.slowStart == .seconds(20))
        #expect(web.retry == RetryConfig(attempts: 1, budgetPercent: 10))
        #expect(web.backends == [
            BackendConfig(name: "a", address: BackendAddress(host: "10.0.0.1", port: 8081), weight: 3, maxConnections: 64),
            BackendConfig(name: "b", address: BackendAddress(host: "::1", port: 8082)),
            BackendConfig(name: "spare", address: BackendAddress(host: "spare.internal", port: 8083), backup: true),
        ])
        let api = c.pools[1]
        #expect(api.algorithm == .leastConnections)
        #expect(api.backends[0].name == "127.0.0.1:7001")
        #expect(c.pool(forPath: "/api/jobs")?.name == "api")
        #expect(c.pool(forPath: "/jobs")?.name == "web")
    }

    @Test func aRequestGoesToTheLongestPathPrefixComparedByteForByte() throws {
        let c = try BalancerConfigLoader.parse(yaml: """
            pools:
              - { name: root, backends: [{ address: 127.0.0.1:9000 }] }
              - { name: api, path_prefix: /api, backends: [{ address: 127.0.0.1:9001 }] }
              - { name: v2, path_prefix: /api/v2, backends: [{ address: 127.0.0.1:9002 }] }
              - { name: cafe, path_prefix: "/café", backends: [{ address: 127.0.0.1:9003 }] }
            """)
        #expect(c.pool(forPath: "/api/v2/jobs")?.name == "v2")
        #expect(c.pool(forPath: "/api/v1")?.name == "api")
        #expect(c.pool(forPath: "/")?.name == "root")
        #expect(c.pool(forPath: "/caf\u{e9}/menu")?.name == "cafe")
        // The same text in other bytes (e + combining accent) is another path, as it is to nginx.
        #expect(c.pool(forPath: "/cafe\u{301}/menu")?.name == "root")
        #expect(c.poolIndex(forPath: "/api/v2") == 2)
    }

    @Test func fillsEveryAbsentValueWithItsDefault() throws {
        let c = try BalancerConfigLoader.parse(yaml: "pools:\n  - backends:\n      - address: 127.0.0.1:9000\n")
        #expect(c.listeners == ListenersConfig())
        #expect(c.listeners.proxy.port == 8080)
        #expect(c.listeners.admin.port == 9090)
        #expect(c.backendHeader == "X-Evenkeel-Backend")
        #expect(c.accessLog == nil)
        #expect(try BalancerConfigLoader.parse(yaml: "access_log: { path: a.log }\npools:\n  - backends: [{ address: h:1 }]\n").accessLog
            == AccessLogConfig(path: "a.log", format: .text))
        #expect(c.timeouts == TimeoutsConfig())
        #expect(c.timeouts.tunnel == .seconds(3600))
        #expect(c.limits == LimitsConfig())
        let p = c.pools[0]
        #expect(p.name == "default")
        #expect(p.pathPrefix == "/")
        #expect(p.algorithm == .roundRobin)
        #expect(p.health == HealthConfig())
        #expect(p.outlier == OutlierConfig())
        #expect(p.slowStart == .zero)
        #expect(p.retry == RetryConfig(attempts: 2, budgetPercent: 20))
        #expect(p.backends[0] == BackendConfig(name: "127.0.0.1:9000", address: BackendAddress(host: "127.0.0.1", port: 9000), weight: 1, backup: false, maxConnections: 100))
    }

    @Test func hashKeyDefaultsToSourceIPForConsistentHash() throws {
        let c = try BalancerConfigLoader.parse(yaml: "pools:\n  - algorithm: consistent_hash\n    backends:\n      - address: h:1\n")
        #expect(c.pools[0].algorithm == .consistentHash(key: .sourceIP, boundedLoad: nil))
    }

    @Test func theDocumentedExampleLoads() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/balancer-config.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let start = try #require(text.range(of: "```yaml\n"))
        let end = try #require(text.range(of: "\n```", range: start.upperBound..<text.endIndex))
        let config = try BalancerConfigLoader.parse(yaml: String(text[start.upperBound..<end.lowerBound]), file: "docs example")
        #expect(config.pools.first?.backends.count == 3)
    }

    @Test func loadsFromAFileAndReportsAMissingFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-\(UUID().uuidString).yaml").path
        try Self.full.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try BalancerConfigLoader.load(contentsOf: path).pools.count == 2)
        #expect(throws: ConfigError.self) { try BalancerConfigLoader.load(contentsOf: path + ".absent") }
    }

    @Test func parsesDurationsInEveryUnit() {
        #expect(DurationText.parse("250ms") == .milliseconds(250))
        #expect(DurationText.parse("1.5s") == .milliseconds(1500))
        #expect(DurationText.parse("2m") == .seconds(120))
        #expect(DurationText.parse("1h") == .seconds(3600))
        #expect(DurationText.parse("7") == .seconds(7))
        #expect(DurationText.parse("-1s") == nil)
        #expect(DurationText.parse("soon") == nil)
        #expect(DurationText.format(.milliseconds(1500)) == "1500ms")
        #expect(DurationText.format(.seconds(3)) == "3s")
    }
}
