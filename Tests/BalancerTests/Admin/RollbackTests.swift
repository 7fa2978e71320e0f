import Balancer
import BalancerAPI
import BalancerConfig
import EvenkeelTestSupport
import Foundation
import NIOHTTP1
import Testing

/// Going back to the configuration before: the kept history (across a restart), the same gate as a reload, the
/// file rewritten, and the admin token every state-changing call needs.
@Suite("Configuration history and rollback", .timeLimit(.minutes(1)))
struct RollbackTests {
    /// A configuration file in a folder of its own (its history folder goes next to it), removed with it.
    struct ConfigFolder {
        let folder: URL
        var path: String { folder.appendingPathComponent("balancer.yaml").path }

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-rollback-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }

        func write(_ text: String) throws { try text.write(toFile: path, atomically: true, encoding: .utf8) }
        func text() throws -> String { try String(contentsOfFile: path, encoding: .utf8) }
        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    static func post(_ port: Int, _ path: String, token: String? = nil) async throws -> TestResponse {
        try await TestClient(port: port).send([(.POST, path, token.map { [("authorization", "Bearer \($0)")] } ?? [], nil)])[0]
    }

    @Test func aRollbackGoesBackToTheConfigurationBeforeAndRewritesTheFile() async throws {
        let a = try await TestBackend.start("a"), b = try await TestBackend.start("b")
        let files = try ConfigFolder()
        defer { files.remove() }
        let original = AdminAndReloadTests.yaml([a, b], weights: [1, 1])
        try files.write(original)
        let lb = try await BalancerHarness.start(try BalancerConfigLoader.load(contentsOf: files.path), configPath: files.path)
        let teardown = Teardown { await lb.stop(); await a.kill(); await b.kill() }
        defer { teardown.runIfForgotten() }
        let first = lb.balancer.runtime.generation.hash

        try files.write(AdminAndReloadTests.yaml([a, b], weights: [1, 4]))
        #expect(try await Self.post(lb.ports.admin, "/admin/reload").status == 200)
        let skewed = lb.balancer.runtime.generation.hash
        let listed = try BalancerAPIVersion.decoder().decode(
            ConfigVersionList.self, from: Data(try await TestClient.get(port: lb.ports.admin, "/admin/configs").body.utf8))
        #expect(listed.current == skewed)
        #expect(listed.versions.map(\.hash) == [first, skewed])
        #expect(listed.versions.map(\.trigger) == ["start", "admin"])
        #expect(listed.versions[0].text == original)
        #expect(listed.versions[1].diff.contains("weight web/b 1→4"))

        let answer = try await Self.post(lb.ports.admin, "/admin/rollback")
        #expect(answer.status == 200)
        let event = try BalancerAPIVersion.decoder().decode(ReloadEvent.self, from: Data(answer.body.utf8))
        #expect(event.result == .applied)
        #expect(event.trigger == "rollback")
        #expect(event.diff.contains("weight web/b 4→1"))
        #expect(lb.balancer.runtime.generation.hash == first)
        #expect(try files.text() == original, "the file says what serves, so a SIGHUP does not undo the rollback")
        #expect(await lb.balancer.reload(trigger: "sighup").result == .unchanged)
        #expect(lb.balancer.events.all.last?.trigger == "sighup")
        #expect(lb.balancer.events.all.dropLast().last?.trigger == "rollback")
        #expect(try await TestClient.get(port: lb.ports.proxy, "/").status == 200)
        await teardown.run()
    }

    @Test func theHistorySurvivesARestartAndAnyKeptHashCanBeChosen() async throws {
        let a = try await TestBackend.start("a"), b = try await TestBackend.start("b")
        let files = try ConfigFolder()
        defer { files.remove() }
        try files.write(AdminAndReloadTests.yaml([a, b], weights: [1, 1]))
        var hashes: [String] = []
        do {
            let lb = try await BalancerHarness.start(try BalancerConfigLoader.load(contentsOf: files.path), configPath: files.path)
            hashes.append(lb.balancer.runtime.generation.hash)
            for weight in [2, 3] {
                try files.write(AdminAndReloadTests.yaml([a, b], weights: [1, weight]))
                #expect(await lb.balancer.reload(trigger: "sighup").result == .applied)
                hashes.append(lb.balancer.runtime.generation.hash)
            }
            await lb.stop()
        }
        // A new process on the same file: it serves weight 3 and still knows the first two.
        let lb = try await BalancerHarness.start(try BalancerConfigLoader.load(contentsOf: files.path), configPath: files.path)
        let teardown = Teardown { await lb.stop(); await a.kill(); await b.kill() }
        defer { teardown.runIfForgotten() }
        #expect(lb.balancer.history.all.map(\.hash) == hashes, "kept across the restart, the start not recorded twice")
        let answer = try await Self.post(lb.ports.admin, "/admin/rollback?to=\(hashes[0])")
        #expect(answer.status == 200)
        #expect(lb.balancer.runtime.generation.hash == hashes[0])
        #expect(try await Self.post(lb.ports.admin, "/admin/rollback?to=0123456789abcdef").status == 404)
        await teardown.run()
    }

    @Test func aRollbackTheGateRefusesIsRefusedAndChangesNothing() async throws {
        let a = try await TestBackend.start("a"), b = try await TestBackend.start("b")
        let files = try ConfigFolder()
        defer { files.remove() }
        // It started with weight 9 (the checker judges reloads, not the start), then was fixed.
        try files.write(AdminAndReloadTests.yaml([a, b], weights: [1, 9]))
        let checker: ReloadChecker = { config in
            config.pools[0].backends.contains { $0.weight > 5 } ? [ReloadFinding(severity: .error, message: "EK101: weight 9 skews traffic")] : []
        }
        let lb = try await BalancerHarness.start(try BalancerConfigLoader.load(contentsOf: files.path), configPath: files.path, checker: checker)
        let teardown = Teardown { await lb.stop(); await a.kill(); await b.kill() }
        defer { teardown.runIfForgotten() }
        let fixed = AdminAndReloadTests.yaml([a, b], weights: [1, 1])
        try files.write(fixed)
        #expect(await lb.balancer.reload(trigger: "sighup").result == .applied)
        let serving = lb.balancer.runtime.generation.hash

        let answer = try await Self.post(lb.ports.admin, "/admin/rollback")
        #expect(answer.status == 422)
        #expect(answer.body.contains("EK101"))
        #expect(lb.balancer.runtime.generation.hash == serving)
        #expect(try files.text() == fixed, "a refused rollback leaves the file alone")
        await teardown.run()
    }

    @Test func stateChangingCallsNeedTheAdminTokenWhenOneIsConfigured() async throws {
        let a = try await TestBackend.start("a")
        let files = try ConfigFolder()
        defer { files.remove() }
        try "s3cret-token\n".write(to: files.folder.appendingPathComponent("admin-token"), atomically: true, encoding: .utf8)
        try files.write(
            AdminAndReloadTests.yaml([a], weights: [1]).replacingOccurrences(
                of: "admin: {address: 127.0.0.1, port: 0}", with: "admin: {address: 127.0.0.1, port: 0, token_file: admin-token}"))
        let lb = try await BalancerHarness.start(try BalancerConfigLoader.load(contentsOf: files.path), configPath: files.path)
        let teardown = Teardown { await lb.stop(); await a.kill() }
        defer { teardown.runIfForgotten() }
        for path in ["/admin/reload", "/admin/rollback", "/admin/drain?pool=web&backend=a"] {
            let bare = try await Self.post(lb.ports.admin, path)
            #expect(bare.status == 401, "\(path) without the token")
            #expect(bare.body.contains("Authorization: Bearer"))
            #expect(try await Self.post(lb.ports.admin, path, token: "s3cret-tokeX").status == 401, "\(path) with a wrong token")
        }
        #expect(lb.balancer.runtime.generation.pools[0].backends[0].status() != .draining, "a refused drain changed nothing")
        #expect(try await Self.post(lb.ports.admin, "/admin/reload", token: "s3cret-token").status == 200)
        #expect(try await TestClient.get(port: lb.ports.admin, "/admin/stats").status == 200, "reading needs no token")
        await teardown.run()
    }

    @Test func withoutATokenOnlyALoopbackAdminListenerTakesChanges() async throws {
        let a = try await TestBackend.start("a")
        var config = BalancerHarness.config([a])
        config.listeners.admin = ListenAddress(host: "0.0.0.0", port: 0)
        let lb = try await BalancerHarness.start(config)
        let teardown = Teardown { await lb.stop(); await a.kill() }
        defer { teardown.runIfForgotten() }
        let refused = try await Self.post(lb.ports.admin, "/admin/reload")
        #expect(refused.status == 401)
        #expect(refused.body.contains("token_file"))
        await teardown.run()
    }

    @Test func rollbacksUnderLoadDropNoRequest() async throws {
        let a = try await TestBackend.start("a"), b = try await TestBackend.start("b")
        let files = try ConfigFolder()
        defer { files.remove() }
        try files.write(AdminAndReloadTests.yaml([a, b], weights: [1, 1]))
        let lb = try await BalancerHarness.start(try BalancerConfigLoader.load(contentsOf: files.path), configPath: files.path)
        let teardown = Teardown { await lb.stop(); await a.kill(); await b.kill() }
        defer { teardown.runIfForgotten() }
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
                // Back and forth: a change by reload, then a rollback of it.
                for i in 0..<5 {
                    try files.write(AdminAndReloadTests.yaml([a, b], weights: [1, i + 2], algorithm: i % 2 == 0 ? "random" : "round_robin"))
                    _ = await lb.balancer.reload(trigger: "sighup")
                    try await Task.sleep(for: .milliseconds(15))
                    _ = try await lb.balancer.rollback()
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
        #expect(lb.balancer.events.all.filter { $0.trigger == "rollback" && $0.result == .applied }.count == 5)
        await teardown.run()
    }
}
