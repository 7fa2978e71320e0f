import Cluster
import Foundation
import JobBoard
import Testing

@Suite("Graceful shutdown drains before stopping")
struct GracefulShutdownTests {
    @Test func sigtermFailsReadinessWhileStillServingThenExits() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-drain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await ServeProcess.start(arguments: ["--db", "sqlite:\(directory.path)/jobs.sqlite", "--drain-seconds", "2"])
        #expect(try await server.send("GET", "/readyz").0 == 200)

        server.terminate()
        var sawDraining = false
        for _ in 0..<40 where !sawDraining {
            try await Task.sleep(for: .milliseconds(25))
            sawDraining = try await server.send("GET", "/readyz").0 == 503
        }
        #expect(sawDraining, "/readyz never answered 503 after SIGTERM")
        #expect(try await server.send("GET", "/api/v1/jobs").0 == 200, "requests must still be served while draining")

        await server.process.ended()
        #expect(server.process.terminationReason == .exit)
        #expect(server.process.terminationStatus == 0)
    }
}
