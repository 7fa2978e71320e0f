import Balancer
import BalancerAPI
import BalancerConfig
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

/// The balancer writes one access log line per request, whatever the request's fate, and lets log rotation
/// hand it a fresh file on reload.
@Suite("Access log through the proxy")
struct AccessLogProxyTests {
    func temporaryPath() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-access-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("access.log").path
    }

    /// The JSON lines of the log at `path`, once there are at least `count` (waits up to 5 s).
    func entries(_ path: String, atLeast count: Int) async throws -> [[String: Any]] {
        var parsed: [[String: Any]] = []
        for _ in 0..<500 {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            parsed = try text.split(separator: "\n").map { line in
                try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            }
            if parsed.count >= count { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        return parsed
    }

    @Test func eachRequestGetsALineSayingWhereItWentAndHowItEnded() async throws {
        let app = try await TestBackend.start("app1")
        let dead = try await deadPort()
        let path = try temporaryPath()
        var config = BalancerHarness.config([app])
        config.accessLog = AccessLogConfig(path: path, format: .json)
        config.pools.append(
            PoolConfig(
                name: "gone", pathPrefix: "/gone",
                backends: [BackendConfig(name: "nobody", address: BackendAddress(host: "127.0.0.1", port: dead))],
                health: HealthConfig(enabled: false), outlier: OutlierConfig(enabled: false), retry: RetryConfig(attempts: 1)))
        let lb = try await BalancerHarness.start(config)

        let ok = try await TestClient.get(port: lb.ports.proxy, "/jobs?q=swift")
        let failed = try await TestClient.get(port: lb.ports.proxy, "/gone/x", headers: [("x-request-id", "given-42")])
        let malformed = try await TestClient.raw(port: lb.ports.proxy, "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")
        #expect(ok.status == 200 && failed.status == 502 && malformed.hasPrefix("HTTP/1.1 400"))

        let lines = try await entries(path, atLeast: 3)
        try #require(lines.count == 3)
        let relayed = lines[0]
        #expect(relayed["method"] as? String == "GET")
        #expect(relayed["target"] as? String == "/jobs?q=swift")
        #expect(relayed["status"] as? Int == 200)
        #expect(relayed["pool"] as? String == "web")
        #expect(relayed["backend"] as? String == "app1")
        #expect(relayed["outcome"] as? String == "relayed")
        #expect(relayed["client"] as? String == "127.0.0.1")
        #expect((relayed["bytes"] as? Int ?? 0) > "app1".utf8.count)
        #expect((relayed["upstream_seconds"] as? Double).map { $0 > 0 && $0 < 5 } == true)
        #expect((relayed["duration_seconds"] as? Double ?? 0) >= (relayed["upstream_seconds"] as? Double ?? 1))
        // The id the backend was sent, which the proxy made.
        let sentID = try #require(ok.headers["x-req-x-request-id"].first)
        #expect(relayed["request_id"] as? String == sentID)

        let local = lines[1]
        #expect(local["status"] as? Int == 502)
        #expect(local["outcome"] as? String == "local")
        #expect(local["pool"] as? String == "gone")
        #expect(local["backend"] as? String == "nobody")
        #expect(local["request_id"] as? String == "given-42")
        #expect(local["upstream_seconds"] is NSNull)

        let refused = lines[2]
        #expect(refused["status"] as? Int == 400)
        #expect(refused["method"] is NSNull)
        #expect(refused["outcome"] as? String == "local")

        await lb.stop()
        await app.kill()
    }

    @Test func aClientThatLeavesBeforeTheResponseIsLoggedAs499() async throws {
        let app = try await TestBackend.start("app1")
        let path = try temporaryPath()
        var config = BalancerHarness.config([app])
        config.accessLog = AccessLogConfig(path: path, format: .json)
        let lb = try await BalancerHarness.start(config)

        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: lb.ports.proxy) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        try await channel.executeThenClose { _, outbound in
            try await outbound.write(ByteBuffer(string: "GET /slow?ms=3000 HTTP/1.1\r\nHost: x\r\n\r\n"))
            try await waitForAdmitted(lb.balancer)
        }

        let lines = try await entries(path, atLeast: 1)
        try #require(lines.count == 1)
        #expect(lines[0]["status"] as? Int == 499)
        #expect(lines[0]["outcome"] as? String == "client_closed")
        #expect(lines[0]["backend"] as? String == "app1")
        #expect(lines[0]["bytes"] as? Int == 0)

        await lb.stop()
        await app.kill()
    }

    @Test func aRequestHeadThatNeverCompletesIsLoggedAs408() async throws {
        let app = try await TestBackend.start("app1")
        let path = try temporaryPath()
        var config = BalancerHarness.config([app], timeouts: TimeoutsConfig(headerRead: .milliseconds(200)))
        config.accessLog = AccessLogConfig(path: path, format: .json)
        let lb = try await BalancerHarness.start(config)

        let answer = try await TestClient.raw(port: lb.ports.proxy, "GET /slowloris HTTP/1.1\r\nHost: x\r\nX-A: ")
        #expect(answer.hasPrefix("HTTP/1.1 408 "))
        let lines = try await entries(path, atLeast: 1)
        try #require(lines.count == 1)
        #expect(lines[0]["status"] as? Int == 408)
        #expect(lines[0]["method"] is NSNull)
        #expect(lines[0]["outcome"] as? String == "local")
        #expect(lines[0]["bytes"] as? Int == answer.utf8.count)

        await lb.stop()
        await app.kill()
    }

    @Test func aReloadOpensTheLogAgainSoRotationLosesNoLine() async throws {
        let app = try await TestBackend.start("app1")
        let path = try temporaryPath()
        let configPath = path + ".yaml"
        let yaml = """
            listeners:
              proxy: { address: 127.0.0.1, port: 0 }
              admin: { address: 127.0.0.1, port: 0 }
            access_log: { path: \(path) }
            pools:
              - name: web
                health: { enabled: false }
                backends:
                  - { name: app1, address: 127.0.0.1:\(app.port) }
            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
        let lb = try await BalancerHarness.start(try BalancerConfigLoader.load(contentsOf: configPath), configPath: configPath)

        _ = try await TestClient.get(port: lb.ports.proxy, "/before")
        let rotated = path + ".1"
        try await Task.sleep(for: .milliseconds(300))
        try FileManager.default.moveItem(atPath: path, toPath: rotated)
        let event = await lb.balancer.reload(trigger: "test")
        #expect(event.result == .unchanged)
        _ = try await TestClient.get(port: lb.ports.proxy, "/after")
        await lb.stop()

        let before = try String(contentsOfFile: rotated, encoding: .utf8)
        let after = try String(contentsOfFile: path, encoding: .utf8)
        #expect(before.contains("\"GET /before HTTP/1.1\" 200") && !before.contains("/after"))
        #expect(after.contains("\"GET /after HTTP/1.1\" 200") && !after.contains("/before"))
        await app.kill()
    }

    @Test func aReloadToALogThatCannotBeOpenedIsRefused() async throws {
        let app = try await TestBackend.start("app1")
        let path = try temporaryPath()
        var config = BalancerHarness.config([app])
        config.accessLog = AccessLogConfig(path: path)
        let lb = try await BalancerHarness.start(config)

        var broken = config
        broken.accessLog = AccessLogConfig(path: path + "-missing-dir/access.log")
        let event = await lb.balancer.reload(to: broken, trigger: "api")
        #expect(event.result == .refused)
        #expect(event.error?.contains("cannot open the access log") == true)
        #expect(lb.balancer.runtime.generation.config.accessLog?.path == path)

        // Without an access log, the file gets nothing more.
        var off = config
        off.accessLog = nil
        #expect(await lb.balancer.reload(to: off, trigger: "api").result == .applied)
        _ = try await TestClient.get(port: lb.ports.proxy, "/unlogged")
        await lb.stop()
        #expect(!((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").contains("/unlogged"))
        await app.kill()
    }
}
