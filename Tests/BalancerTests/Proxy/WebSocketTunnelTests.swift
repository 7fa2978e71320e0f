import Balancer
import BalancerAPI
import BalancerConfig
import Foundation
import NIOCore
import Testing

/// WebSocket through the proxy: the upgrade goes to one backend, its `101` comes back, and from then on the
/// two connections are one tunnel that passes bytes both ways, holds its backend slot, and ends when either side
/// closes, when it idles past `timeouts.tunnel`, or when the balancer shuts down. Other upgrades are not passed on.
@Suite("WebSocket tunnels through the proxy", .timeLimit(.minutes(1)))
struct WebSocketTunnelTests {
    static let upgrade = "GET /chat HTTP/1.1\r\nhost: jobs.example\r\nconnection: keep-alive, Upgrade\r\nupgrade: websocket\r\n"
        + "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n"

    /// A balancer in front of one ``WebSocketBackend`` answering upgrades with `answer`.
    func withTunnelBackend(
        _ answer: WebSocketBackend.Answer = .accept, timeouts: TimeoutsConfig = TimeoutsConfig(), accessLog: AccessLogConfig? = nil,
        _ body: (WebSocketBackend, BalancerHarness) async throws -> Void
    ) async throws {
        let backend = try await WebSocketBackend.start(answer: answer)
        let config = BackendConfig(name: "ws", address: BackendAddress(host: "127.0.0.1", port: backend.port), weight: 1, maxConnections: 100)
        var balancerConfig = BalancerHarness.config([], timeouts: timeouts, extraBackends: [config])
        balancerConfig.accessLog = accessLog
        let lb = try await BalancerHarness.start(balancerConfig)
        do {
            try await body(backend, lb)
        } catch {
            await lb.stop(); await backend.stop()
            throw error
        }
        await lb.stop()
        await backend.stop()
    }

    func wsStats(_ lb: BalancerHarness) -> StatsReport.Backend { lb.balancer.stats().pools[0].backends[0] }

    /// Waits until the backend has no open connection left: the proxy closed its side of every tunnel.
    func waitForBackendClosed(_ backend: WebSocketBackend) async throws {
        while backend.openConnections > 0 { try await Task.sleep(for: .milliseconds(10)) }
    }

    @Test func anAcceptedUpgradeBecomesATunnelToThatBackend() async throws {
        try await withTunnelBackend { backend, lb in
            try await RawConversation.with(port: lb.ports.proxy) { client in
                try await client.send(Self.upgrade)
                let head = try await client.read(through: "\r\n\r\n")
                #expect(head.hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"), "\(head)")
                #expect(head.contains("\r\nupgrade: websocket\r\n"))
                #expect(head.contains("\r\nconnection: upgrade\r\n"))
                #expect(head.contains("\r\nsec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"))
                #expect(head.contains("\r\nX-Evenkeel-Backend: ws\r\n"))
                // What the backend sent behind its 101, in the same write, reaches the client.
                #expect(try await client.read(through: "\n") == WebSocketBackend.greeting)
                for n in 1...3 {
                    try await client.send("message \(n)\n")
                    #expect(try await client.read(through: "\n") == "message \(n)\n")
                }
                #expect(wsStats(lb).inFlight == 1, "an open tunnel holds its backend slot")
                #expect(wsStats(lb).tunnels == 1)
                let metrics = lb.balancer.metricsText()
                #expect(metrics.contains(#"evenkeel_backend_tunnels{pool="web",backend="ws"} 1"#), "\(metrics)")
            }
            try await waitForBackendClosed(backend)
            let forwarded = try #require(backend.heads.first).lowercased()
            #expect(forwarded.contains("\r\nupgrade: websocket\r\n"))
            #expect(forwarded.contains("\r\nconnection: upgrade\r\n"))
            #expect(forwarded.contains("\r\nsec-websocket-key: dghlihnhbxbszsbub25jzq==\r\n"))
            #expect(forwarded.contains("\r\nx-forwarded-for: 127.0.0.1\r\n"))
            while wsStats(lb).inFlight > 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(wsStats(lb).responses1xx == 1)
            #expect(wsStats(lb).tunnels == 0)
            #expect(wsStats(lb).responses5xx == 0)
        }
    }

    @Test func bytesSentRightBehindTheUpgradeRequestGoThroughTheTunnel() async throws {
        try await withTunnelBackend { _, lb in
            try await RawConversation.with(port: lb.ports.proxy) { client in
                try await client.send(Self.upgrade + "sent early\n")
                #expect(try await client.read(through: "\r\n\r\n").hasPrefix("HTTP/1.1 101 "))
                #expect(try await client.read(through: WebSocketBackend.greeting).hasSuffix(WebSocketBackend.greeting))
                #expect(try await client.read(through: "\n") == "sent early\n")
            }
        }
    }

    @Test func theBackendClosingTheTunnelClosesTheClient() async throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-ws-\(UUID().uuidString).log").path
        try await withTunnelBackend(accessLog: AccessLogConfig(path: log)) { backend, lb in
            try await RawConversation.with(port: lb.ports.proxy) { client in
                try await client.send(Self.upgrade)
                _ = try await client.read(through: WebSocketBackend.greeting)
                try await client.send(WebSocketBackend.goodbye)
                // The backend's last bytes arrive before the close.
                #expect(try await client.readToClose() == WebSocketBackend.goodbye)
            }
            while wsStats(lb).inFlight > 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(backend.openConnections == 0)
            #expect(wsStats(lb).tunnels == 0)
        }
        // The tunnel's access log line comes when it closes, with everything passed down it counted.
        let line = try String(contentsOfFile: log, encoding: .utf8)
        #expect(line.contains("\"GET /chat HTTP/1.1\" 101 "), "\(line)")
        #expect(line.contains(" backend=ws attempts=1 upstream=- "))
        #expect(line.contains(" outcome=tunnel "))
        let bytes = try #require(line.split(separator: " ").dropFirst(6).first.flatMap { Int($0) })
        #expect(bytes > WebSocketBackend.greeting.utf8.count + WebSocketBackend.goodbye.utf8.count + 100)
    }

    @Test func aTunnelIdleForTheTunnelTimeoutIsClosedOnBothSides() async throws {
        try await withTunnelBackend(timeouts: TimeoutsConfig(tunnel: .seconds(3))) { backend, lb in
            try await RawConversation.with(port: lb.ports.proxy) { client in
                try await client.send(Self.upgrade)
                _ = try await client.read(through: WebSocketBackend.greeting)
                // Traffic moves the deadline on: past the timeout in all, but never idle for long. The slack is wide
                // (2.6 s between 0.4 s steps) because the suite's first seconds load two cores so that a sleep of
                // 0.5 s once overslept a 2 s timeout.
                for n in 1...10 {
                    try await Task.sleep(for: .milliseconds(400))
                    try await client.send("keep \(n)\n")
                    #expect(try await client.read(through: "\n") == "keep \(n)\n")
                }
                #expect(try await client.readToClose() == "")
            }
            try await waitForBackendClosed(backend)
        }
    }

    @Test func shuttingDownClosesOpenTunnelsInsteadOfWaitingForThem() async throws {
        let backend = try await WebSocketBackend.start()
        let config = BackendConfig(name: "ws", address: BackendAddress(host: "127.0.0.1", port: backend.port), weight: 1, maxConnections: 100)
        let lb = try await BalancerHarness.start(BalancerHarness.config([], extraBackends: [config]))
        try await RawConversation.with(port: lb.ports.proxy) { client in
            try await client.send(Self.upgrade)
            _ = try await client.read(through: WebSocketBackend.greeting)
            // The drain deadline is past the suite's time limit: only closing the tunnel lets this finish in time.
            async let stopped: Void = lb.balancer.stop(deadline: .seconds(300))
            #expect(try await client.readToClose() == "")
            await stopped
        }
        try await waitForBackendClosed(backend)
        await backend.stop()
    }

    @Test(arguments: [
        ("an upgrade to another protocol", "GET / HTTP/1.1\r\nhost: x\r\nconnection: Upgrade, HTTP2-Settings\r\nupgrade: h2c\r\nhttp2-settings: AAMAAABkAAQAAP__\r\n\r\n"),
        ("an upgrade from HTTP/1.0", "GET / HTTP/1.0\r\nhost: x\r\nconnection: upgrade\r\nupgrade: websocket\r\n\r\n"),
        ("an upgrade with a body", "POST / HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: websocket\r\ncontent-length: 2\r\n\r\nhi"),
        ("Upgrade without Connection: upgrade", "GET / HTTP/1.1\r\nhost: x\r\nupgrade: websocket\r\n\r\n"),
        ("two protocols offered", "GET / HTTP/1.1\r\nhost: x\r\nconnection: upgrade\r\nupgrade: websocket, h2c\r\n\r\n"),
    ])
    func otherUpgradesAreNotPassedOnAndTheRequestGoesAsPlainHTTP(what: String, request: String) async throws {
        try await withTunnelBackend { backend, lb in
            let reply = try await TestClient.raw(port: lb.ports.proxy, request.replacingOccurrences(of: "host: x\r\n", with: "host: x\r\nconnection: close\r\n"))
            #expect(reply.hasPrefix("HTTP/1.") && reply.contains(" 200 OK\r\n"), "\(what): \(reply)")
            let forwarded = try #require(backend.heads.first, "\(what)").lowercased()
            #expect(!forwarded.contains("\r\nupgrade:"), "\(what): \(forwarded)")
            #expect(!forwarded.contains("\r\nhttp2-settings:"), "\(what): fields named in Connection are hop-by-hop")
            #expect(!forwarded.contains("connection: upgrade"), "\(what): \(forwarded)")
        }
    }

    @Test func aDeclinedUpgradeIsAnOrdinaryResponseOnAConnectionThatStaysOpen() async throws {
        try await withTunnelBackend(.decline) { backend, lb in
            try await RawConversation.with(port: lb.ports.proxy) { client in
                try await client.send(Self.upgrade)
                let declined = try await client.read(through: "forbidden")
                #expect(declined.hasPrefix("HTTP/1.1 403 Forbidden\r\n"), "\(declined)")
                try await client.send("GET /next HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
                let next = try await client.readToClose()
                #expect(next.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(next)")
                #expect(next.contains("GET /next HTTP/1.1\r\n"))
            }
            #expect(backend.heads.count == 2)
            #expect(wsStats(lb).responses4xx == 1)
        }
    }

    @Test func aSwitchToAProtocolOtherThanWebSocketIs502() async throws {
        try await withTunnelBackend(.switchToH2C) { _, lb in
            let reply = try await TestClient.raw(port: lb.ports.proxy, Self.upgrade.replacingOccurrences(of: "keep-alive, Upgrade", with: "close, Upgrade"))
            #expect(reply.hasPrefix("HTTP/1.1 502 Bad Gateway\r\n"), "\(reply)")
            #expect(reply.contains("backend 'ws' sent an invalid response: 101 Switching Protocols without 'Upgrade: websocket' and 'Connection: upgrade'"), "\(reply)")
            #expect(wsStats(lb).inFlight == 0)
        }
    }
}
