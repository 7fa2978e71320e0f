import Balancer
import BalancerAPI
import BalancerConfig
import Cluster
import EvenkeelTestSupport
import Foundation
import NIOHTTP1
import Synchronization
import Testing

@Suite("Admin API, metrics and hot reload", .timeLimit(.minutes(1)))
struct AdminAndReloadTests {
    static func yaml(_ backends: [TestBackend], weights: [Int], algorithm: String = "round_robin") -> String {
        var text = """
            listeners:
              proxy: {address: 127.0.0.1, port: 0}
              admin: {address: 127.0.0.1, port: 0}
            pools:
              - name: web
                algorithm: \(algorithm)
                health: {enabled: false}
                backends:

            """
        for (b, w) in zip(backends, weights) {
            text += "      - {name: \(b.name), address: \"127.0.0.1:\(b.port)\", weight: \(w)}\n"
        }
        return text
    }

    static func tempFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-lb-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func statsReportExpectedAndObservedShares() async throws {
        let a = try await TestBackend.start("a"), b = try await TestBackend.start("b")
        let lb = try await BalancerHarness.start(BalancerHarness.config([a, b], weights: [1, 3]))
        let teardown = Teardown { await lb.stop(); await a.kill(); await b.kill() }
        defer { teardown.runIfForgotten() }
        _ = try await TestClient(port: lb.ports.proxy).send(Array(repeating: (.GET, "/", [], nil), count: 40))
        let r = try await TestClient.get(port: lb.ports.admin, "/admin/stats")
        #expect(r.status == 200)
        let report = try BalancerAPIVersion.decoder().decode(StatsReport.self, from: Data(r.body.utf8))
        let backends = report.pools[0].backends
        #expect(backends.map(\.expectedShare) == [0.25, 0.75])
        #expect(backends.map(\.observedShare1m) == [0.25, 0.75])
        #expect(backends.map(\.observedShare5m) == [0.25, 0.75])
        #expect(backends.map(\.requests) == [10, 30])
        #expect(backends.map(\.responses2xx) == [10, 30])
        #expect(backends.allSatisfy { $0.state == .healthy && $0.latency.p99 > 0 && $0.latency.max >= $0.latency.p50 })
        #expect(backends.map { $0.latencyBuckets.reduce(0) { $0 + $1.count } } == [10, 30], "every response in a latency bucket")
        #expect(report.apiVersion == 2)
        #expect(r.body.contains("\"observed_share_1m\""), "snake_case keys")
        // Who sent the requests: one client, one path. The sources cover the last 10 to 20 seconds (their window is
        // tested in TrafficSourcesTests), so on a loaded machine the first requests may have left it already.
        let sources = try #require(report.pools[0].sources)
        #expect((1...40).contains(sources.requests))
        #expect(sources.topClients.map(\.key) == ["127.0.0.1"])
        #expect(sources.topClients.first?.count == sources.requests, "every request counted came from the one client")
        #expect(sources.topPaths.map(\.key) == ["/"])
        #expect(sources.topPaths.first?.count == sources.requests)
        await teardown.run()
    }

    @Test func metricsExposeSharesHistogramsAndReloadCounters() async throws {
        let a = try await TestBackend.start("a")
        let lb = try await BalancerHarness.start(BalancerHarness.config([a]))
        let teardown = Teardown { await lb.stop(); await a.kill() }
        defer { teardown.runIfForgotten() }
        _ = try await TestClient(port: lb.ports.proxy).send(Array(repeating: (.GET, "/", [], nil), count: 3))
        let r = try await TestClient.get(port: lb.ports.admin, "/metrics")
        #expect(r.status == 200)
        #expect(r.headers["content-type"].first?.hasPrefix("text/plain") == true)
        for needle in [
            #"evenkeel_backend_expected_share{pool="web",backend="a"} 1.0"#,
            #"evenkeel_backend_observed_share{pool="web",backend="a",window="1m"} 1.0"#,
            #"evenkeel_backend_request_duration_seconds_bucket{pool="web",backend="a",le="+Inf"} 3"#,
            #"evenkeel_backend_request_duration_seconds_count{pool="web",backend="a"} 3"#,
            #"evenkeel_backend_requests_total{pool="web",backend="a"} 3"#,
            #"evenkeel_backend_responses_total{pool="web",backend="a",code="2xx"} 3"#,
            #"evenkeel_config_reload_total{result="applied"} 0"#,
            "evenkeel_config_last_reload_success_timestamp_seconds ",
            "# TYPE evenkeel_backend_request_duration_seconds histogram",
        ] {
            #expect(r.body.contains(needle), "missing \(needle)")
        }
        await teardown.run()
    }

    @Test func reloadAppliesAValidFileAndRefusesAnInvalidOneWhileServing() async throws {
        let a = try await TestBackend.start("a"), b = try await TestBackend.start("b")
        let path = try Self.tempFile(Self.yaml([a, b], weights: [1, 1]))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lb = try await BalancerHarness.start(try BalancerConfigLoader.load(contentsOf: path), configPath: path)
        let teardown = Teardown { await lb.stop(); await a.kill(); await b.kill() }
        defer { teardown.runIfForgotten() }

        try Self.yaml([a, b], weights: [1, 4], algorithm: "random").write(toFile: path, atomically: true, encoding: .utf8)
        let applied = try await TestClient(port: lb.ports.admin).send([(.POST, "/admin/reload", [], nil)])[0]
        #expect(applied.status == 200)
        #expect(applied.body.contains("\"result\" : \"applied\""))
        #expect(applied.body.contains("weight web/b 1→4"))
        #expect(applied.body.contains("algorithm web round_robin→random"))
        #expect(lb.balancer.runtime.generation.config.pools[0].backends[1].weight == 4)

        try "pools:\n  - backends:\n      - address: 127.0.0.1:1\n        wieght: 2\n".write(toFile: path, atomically: true, encoding: .utf8)
        let refused = try await TestClient(port: lb.ports.admin).send([(.POST, "/admin/reload", [], nil)])[0]
        #expect(refused.status == 422)
        #expect(refused.body.contains("\"result\" : \"refused\""))
        #expect(refused.body.contains(":4:9: unknown key 'wieght'"))
        // The previous configuration keeps serving.
        #expect(lb.balancer.runtime.generation.config.pools[0].backends.count == 2)
        #expect(try await TestClient.get(port: lb.ports.proxy, "/").status == 200)

        let events = try await TestClient.get(port: lb.ports.admin, "/admin/events")
        let list = try BalancerAPIVersion.decoder().decode([ReloadEvent].self, from: Data(events.body.utf8))
        #expect(list.map(\.result) == [.applied, .refused])
        #expect(list[0].newHash == lb.balancer.runtime.generation.hash)
        #expect(list[1].previousHash == list[0].newHash)
        let metrics = try await TestClient.get(port: lb.ports.admin, "/metrics").body
        #expect(metrics.contains(#"evenkeel_config_reload_total{result="applied"} 1"#))
        #expect(metrics.contains(#"evenkeel_config_reload_total{result="refused"} 1"#))
        await teardown.run()
    }

    @Test func externalCheckerCanVetoAReloadAndAddWarnings() async throws {
        let a = try await TestBackend.start("a")
        let checker: ReloadChecker = { config in
            config.pools[0].backends.contains { $0.weight > 5 }
                ? [ReloadFinding(severity: .error, message: "weight above 5 skews traffic")]
                : [ReloadFinding(severity: .warning, message: "single backend")]
        }
        let lb = try await BalancerHarness.start(BalancerHarness.config([a]), checker: checker)
        let teardown = Teardown { await lb.stop(); await a.kill() }
        defer { teardown.runIfForgotten() }
        var heavy = lb.balancer.runtime.generation.config
        heavy.pools[0].backends[0].weight = 9
        let vetoed = await lb.balancer.reload(to: heavy, trigger: "api")
        #expect(vetoed.result == .refused)
        #expect(vetoed.error == "weight above 5 skews traffic")
        #expect(lb.balancer.runtime.generation.config.pools[0].backends[0].weight == 1)
        var fine = heavy
        fine.pools[0].backends[0].weight = 2
        let accepted = await lb.balancer.reload(to: fine, trigger: "api")
        #expect(accepted.result == .applied)
        #expect(accepted.warnings == ["single backend"])
        await teardown.run()
    }

    /// Reloads asked for at once run one at a time, each from what the one before installed, on the balancer's
    /// reload queue (not on the asker's task or an event loop), where the checker's simulation runs too.
    @Test func concurrentReloadsRunOneAtATimeOnTheReloadQueue() async throws {
        let a = try await TestBackend.start("a")
        let offQueue = Atomic<Int>(0)
        let checker: ReloadChecker = { _ in
            if !LoadBalancer.isOnReloadQueue { offQueue.add(1, ordering: .relaxed) }
            return []
        }
        let lb = try await BalancerHarness.start(BalancerHarness.config([a]), checker: checker)
        let teardown = Teardown { await lb.stop(); await a.kill() }
        defer { teardown.runIfForgotten() }
        let initial = lb.balancer.runtime.generation.hash
        let base = lb.balancer.runtime.generation.config
        await withTaskGroup(of: Void.self) { group in
            for weight in 2...13 {
                var next = base
                next.pools[0].backends[0].weight = weight
                group.addTask { _ = await lb.balancer.reload(to: next, trigger: "api") }
            }
        }
        let applied = lb.balancer.events.all.filter { $0.result == .applied }
        #expect(applied.count == 12)
        // A chain: each reload replaced exactly what the one before it installed.
        var serving = initial
        for event in applied {
            #expect(event.previousHash == serving, "reload to \(event.newHash ?? "?") began from \(event.previousHash), not \(serving)")
            serving = event.newHash ?? serving
        }
        #expect(lb.balancer.runtime.generation.hash == serving)
        #expect(offQueue.load(ordering: .relaxed) == 0, "the checker ran off the reload queue")
        await teardown.run()
    }

    @Test func reloadUnderLoadDropsNoRequest() async throws {
        let a = try await TestBackend.start("a"), b = try await TestBackend.start("b"), c = try await TestBackend.start("c")
        let lb = try await BalancerHarness.start(BalancerHarness.config([a, b]))
        let teardown = Teardown { await lb.stop(); await a.kill(); await b.kill(); await c.kill() }
        defer { teardown.runIfForgotten() }
        let base = lb.balancer.runtime.generation.config
        let port = lb.ports.proxy
        let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var all: [Int] = []
                    for _ in 0..<10 {
                        all += try await TestClient(port: port).send(Array(repeating: (.GET, "/slow?ms=2", [], nil), count: 5)).map(\.status)
                    }
                    return all
                }
            }
            group.addTask {
                for i in 0..<10 {
                    var next = base
                    next.pools[0].backends[0].weight = i % 3 + 1
                    if i % 2 == 1 {
                        next.pools[0].backends.append(BackendConfig(name: "c", address: BackendAddress(host: "127.0.0.1", port: c.port)))
                    }
                    _ = await lb.balancer.reload(to: next, trigger: "api")
                    try await Task.sleep(for: .milliseconds(15))
                }
                return []
            }
            var merged: [Int] = []
            for try await part in group { merged += part }
            return merged
        }
        #expect(statuses.count == 200)
        #expect(statuses.allSatisfy { $0 == 200 })
        #expect(lb.balancer.events.all.filter { $0.result == .applied }.count >= 5)
        await teardown.run()
    }

    @Test func drainedBackendGetsNoNewRequests() async throws {
        let a = try await TestBackend.start("a"), b = try await TestBackend.start("b")
        let lb = try await BalancerHarness.start(BalancerHarness.config([a, b]))
        let teardown = Teardown { await lb.stop(); await a.kill(); await b.kill() }
        defer { teardown.runIfForgotten() }
        let drained = try await TestClient(port: lb.ports.admin).send([(.POST, "/admin/drain?pool=web&backend=a", [], nil)])[0]
        #expect(drained.status == 200)
        let responses = try await TestClient(port: lb.ports.proxy).send(Array(repeating: (.GET, "/", [], nil), count: 10))
        #expect(responses.allSatisfy { $0.headers["X-Evenkeel-Backend"] == ["b"] })
        #expect(lb.balancer.stats().pools[0].backends[0].state == .draining)
        #expect(lb.balancer.stats().pools[0].backends[0].expectedShare == 0)
        let missing = try await TestClient(port: lb.ports.admin).send([(.POST, "/admin/drain?pool=web&backend=zz", [], nil)])[0]
        #expect(missing.status == 404)
        await teardown.run()
    }

    /// Runs `promtool check metrics` on the real output when promtool is installed (it is a Debian package,
    /// `prometheus`); without it the test still checks the exposition's basic shape.
    @Test func metricsOutputPassesPromtool() async throws {
        let a = try await TestBackend.start("a"), b = try await TestBackend.start("b")
        let lb = try await BalancerHarness.start(BalancerHarness.config([a, b]))
        let teardown = Teardown { await lb.stop(); await a.kill(); await b.kill() }
        defer { teardown.runIfForgotten() }
        _ = try await TestClient(port: lb.ports.proxy).send(Array(repeating: (.GET, "/", [], nil), count: 5) + [(.GET, "/status/503", [], nil)])
        var next = lb.balancer.runtime.generation.config
        next.pools[0].backends[1].weight = 2
        _ = await lb.balancer.reload(to: next, trigger: "api")
        let text = try await TestClient.get(port: lb.ports.admin, "/metrics").body
        #expect(text.hasSuffix("\n"))
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.split(separator: " ").count == 2, "sample line \(line)")
        }
        let promtool = "/usr/bin/promtool"
        guard FileManager.default.isExecutableFile(atPath: promtool) else { return }
        let check = try await ChildProgram.run(promtool, ["check", "metrics"], input: Data(text.utf8))
        #expect(check.status == 0, "promtool: \(check.output)")
        await teardown.run()
    }
}
