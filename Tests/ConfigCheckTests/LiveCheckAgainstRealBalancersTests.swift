import ConfigCheck
import EvenkeelTestSupport
import Foundation
import Glibc
import Testing

@Suite("The live check through real nginx and HAProxy, configured to name the backend in a header", .serialized)
struct LiveCheckAgainstRealBalancersTests {
    /// Three upstream listeners that answer 200, served by one nginx.
    static func upstreamBlocks(_ ports: [Int]) -> String {
        ports.map { "    server { listen 127.0.0.1:\($0); location / { return 200 \"ok\"; } }" }.joined(separator: "\n")
    }

    /// An nginx proxy on `port` over the upstream listeners, naming the upstream in X-Evenkeel-Backend, plus the
    /// listeners themselves.
    static func proxy(_ upstreams: [Int], weights: [Int], algorithm: String = "", on port: Int) -> String {
        let servers = zip(upstreams, weights).map { "server 127.0.0.1:\($0)\($1 == 1 ? "" : " weight=\($1)");" }
        return """
                upstream web {
                    \(algorithm)
                    \(servers.joined(separator: "\n            "))
                }
                server {
                    listen 127.0.0.1:\(port);
                    location / { proxy_pass http://web; add_header X-Evenkeel-Backend $upstream_addr always; }
                }
            \(upstreamBlocks(upstreams))
            """
    }

    static func startNginx(_ body: String, folder: URL, port: Int) async throws -> RunningBalancer {
        let nginx = try #require(RealBalancer.find("nginx"), "nginx is not installed: apt-get install nginx-light (.ci/run installs it)")
        let file = folder.appendingPathComponent("nginx.conf")
        let text = """
            daemon off;
            pid \(folder.path)/nginx.pid;
            error_log \(folder.path)/error.log;
            worker_processes 1;
            events { worker_connections 256; }
            http {
                access_log off;
            \(body)
            }

            """
        try text.write(to: file, atomically: true, encoding: .utf8)
        return try await RunningBalancer.start(
            program: nginx, arguments: ["-p", folder.path, "-e", "\(folder.path)/error.log", "-c", file.path], folder: folder, waitingFor: port)
    }

    @Test func nginxRoundRobinByWeightPasses() async throws {
        let upstreams = (0..<3).map { _ in RunningBalancer.freePort() }
        let proxy = RunningBalancer.freePort()
        let folder = try RealBalancer.temporaryFolder()
        let body = Self.proxy(upstreams, weights: [1, 2, 1], on: proxy)
        let nginx = try await Self.startNginx(body, folder: folder, port: proxy)
        defer { nginx.stop() }
        let config = try CheckedConfig.load(path: folder.appendingPathComponent("nginx.conf").path)
        let intended = try IntendedDistribution.of(config, pool: "web", backendHeader: "X-Evenkeel-Backend")
        let result = try await LiveCheck(target: "http://127.0.0.1:\(proxy)", distribution: intended, requests: 400, connections: 4).run()
        #expect(result.verdict == .pass, "\(result.text)")
        #expect(result.attributed == 400)
        let shares = Dictionary(uniqueKeysWithValues: result.backends.map { ($0.name, $0.observedShare) })
        #expect(abs((shares["127.0.0.1:\(upstreams[1])"] ?? 0) - 0.5) < 0.02)
    }

    @Test func nginxIPHashFromOneAddressFailsWithTheSkew() async throws {
        let upstreams = (0..<3).map { _ in RunningBalancer.freePort() }
        let proxy = RunningBalancer.freePort()
        let folder = try RealBalancer.temporaryFolder()
        let body = Self.proxy(upstreams, weights: [1, 1, 1], algorithm: "ip_hash;", on: proxy)
        let nginx = try await Self.startNginx(body, folder: folder, port: proxy)
        defer { nginx.stop() }
        let config = try CheckedConfig.load(path: folder.appendingPathComponent("nginx.conf").path)
        let intended = try IntendedDistribution.of(config, pool: "web", backendHeader: "X-Evenkeel-Backend")
        #expect(intended.caveat?.contains("/24") == true)
        let result = try await LiveCheck(target: "http://127.0.0.1:\(proxy)", distribution: intended, requests: 300, connections: 3).run()
        // Every probe comes from 127.0.0.1: one /24, one server, three times its intended share.
        #expect(result.verdict == .fail)
        #expect(abs((result.maxShareRatio ?? 0) - 3) < 1e-9)
        #expect(result.silentBackends.count == 2)
    }

    @Test func haproxyWeightedRoundRobinPasses() async throws {
        let haproxy = try #require(RealBalancer.find("haproxy"), "haproxy is not installed: apt-get install haproxy (.ci/run installs it)")
        let upstreams = (0..<3).map { _ in RunningBalancer.freePort() }
        let proxy = RunningBalancer.freePort()
        let upstreamFolder = try RealBalancer.temporaryFolder()
        let nginx = try await Self.startNginx(Self.upstreamBlocks(upstreams), folder: upstreamFolder, port: upstreams[2])
        defer { nginx.stop() }
        let folder = try RealBalancer.temporaryFolder()
        let file = folder.appendingPathComponent("haproxy.cfg")
        try """
            global
                maxconn 1000
            defaults
                mode http
                timeout connect 2s
                timeout client 10s
                timeout server 10s
            frontend www
                bind 127.0.0.1:\(proxy)
                default_backend web
            backend web
                balance roundrobin
                http-response set-header X-Evenkeel-Backend %s
                server app1 127.0.0.1:\(upstreams[0]) weight 1
                server app2 127.0.0.1:\(upstreams[1]) weight 1
                server app3 127.0.0.1:\(upstreams[2]) weight 3

            """.write(to: file, atomically: true, encoding: .utf8)
        let balancer = try await RunningBalancer.start(program: haproxy, arguments: ["-db", "-f", file.path], folder: folder, waitingFor: proxy)
        defer { balancer.stop() }
        let intended = try IntendedDistribution.of(try CheckedConfig.load(path: file.path), pool: nil, backendHeader: "X-Evenkeel-Backend")
        #expect(intended.weights == ["app1": 1, "app2": 1, "app3": 3])
        let result = try await LiveCheck(target: "http://127.0.0.1:\(proxy)", distribution: intended, requests: 500, connections: 5).run()
        #expect(result.verdict == .pass, "\(result.text)")
        let shares = Dictionary(uniqueKeysWithValues: result.backends.map { ($0.name, $0.observedShare) })
        #expect(abs((shares["app3"] ?? 0) - 0.6) < 0.03)
    }
}
