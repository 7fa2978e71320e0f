import Balancer
import BalancerAPI
import BalancerConfig
import Foundation
import Logging
import NIOHTTP1
import ServiceLifecycle
import Synchronization
import Testing

@Suite("BalancerService lifecycle", .serialized, .timeLimit(.minutes(1)))
struct BalancerServiceTests {
    @Test func reportsPortsAndShutsDownGracefullyFinishingInFlightRequests() async throws {
        let a = try await TestBackend.start("a")
        let config = BalancerHarness.config([a])
        let (portsStream, portsContinuation) = AsyncStream.makeStream(of: ListeningPorts.self)
        let service = BalancerService(configuration: config, onListening: { ports in portsContinuation.yield(ports) })
        let group = ServiceGroup(services: [service], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = portsStream.makeAsyncIterator()
            let ports = try #require(await iterator.next())
            #expect(ports.proxy > 0 && ports.admin > 0 && ports.proxy != ports.admin)
            // Long enough that the shutdown has begun before the answer comes, even on a machine busy with the rest of
            // the suite.
            async let slow = TestClient.get(port: ports.proxy, "/slow?ms=3000")
            try await waitForAdmitted(service.balancer)
            await group.triggerGracefulShutdown()
            let response = try await slow
            #expect(response.status == 200)
            #expect(response.headers["connection"] == ["close"])
            // run() returned (waitForAll rethrows if it failed), so the listener must be gone.
            try await tasks.waitForAll()
            await #expect(throws: (any Error).self) { _ = try await TestClient.get(port: ports.proxy, "/") }
        }
        await a.kill()
    }

    @Test func sighupReloadsTheConfigFile() async throws {
        let a = try await TestBackend.start("a")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-hup-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        func yaml(weight: Int) -> String {
            "listeners:\n  proxy: {address: 127.0.0.1, port: 0}\n  admin: {address: 127.0.0.1, port: 0}\npools:\n  - health: {enabled: false}\n    backends:\n      - {name: a, address: \"127.0.0.1:\(a.port)\", weight: \(weight)}\n"
        }
        try yaml(weight: 1).write(toFile: path, atomically: true, encoding: .utf8)
        let (portsStream, portsContinuation) = AsyncStream.makeStream(of: ListeningPorts.self)
        let service = try BalancerService(configPath: path, onListening: { portsContinuation.yield($0) })
        let group = ServiceGroup(services: [service], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = portsStream.makeAsyncIterator()
            _ = await iterator.next()
            try yaml(weight: 7).write(toFile: path, atomically: true, encoding: .utf8)
            kill(getpid(), SIGHUP)
            while service.balancer.events.all.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
            let event = service.balancer.events.all[0]
            #expect(event.trigger == "sighup")
            #expect(event.result == .applied)
            #expect(service.balancer.runtime.generation.config.pools[0].backends[0].weight == 7)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        await a.kill()
    }

    // Serialized: each service from a file listens for SIGHUP, and two listening at once lose the signal.
    @Test func runsOnItsOwnThreadsWhenGivenACountAndStopsThem() async throws {
        let a = try await TestBackend.start("a")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-threads-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "listeners:\n  proxy: {address: 127.0.0.1, port: 0}\n  admin: {address: 127.0.0.1, port: 0}\npools:\n  - health: {enabled: false}\n    backends:\n      - {name: a, address: \"127.0.0.1:\(a.port)\"}\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let (portsStream, portsContinuation) = AsyncStream.makeStream(of: ListeningPorts.self)
        let service = try BalancerService(configPath: path, eventLoops: 1, onListening: { portsContinuation.yield($0) })
        let group = ServiceGroup(services: [service], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = portsStream.makeAsyncIterator()
            let ports = try #require(await iterator.next())
            let responses = try await TestClient(port: ports.proxy).send(Array(repeating: (.GET, "/", [], nil), count: 3))
            #expect(responses.map(\.status) == [200, 200, 200])
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            await #expect(throws: (any Error).self) { _ = try await TestClient.get(port: ports.proxy, "/") }
        }
        await a.kill()
    }
}
