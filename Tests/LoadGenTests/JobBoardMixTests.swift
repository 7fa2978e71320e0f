import Foundation
import JobBoard
import LoadGen
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@Suite("The built-in job-board mix against a real job board")
struct JobBoardMixTests {
    @Test(.timeLimit(.minutes(1)))
    func theMixLogsInSeekersAndAppliesToJobs() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-mix-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("jobs.sqlite").path)
        try await store.migrate()
        _ = try await Seeder(service: JobBoardService(store: store, bcryptCost: 4)).seed(jobs: 40)

        let port = Mutex<Int?>(nil)
        let logger = Logger(label: "jobboard-mix-test")
        let (app, _) = try await buildJobBoardApplication(
            configuration: JobBoardConfiguration(port: 0, rateLimits: nil, bcryptCost: 4), store: store, logger: logger,
            onServerRunning: { bound in port.withLock { $0 = bound } })
        let services = ServiceGroup(services: [app], logger: logger)
        let running = Task { try await services.run() }
        defer { running.cancel() }
        var bound: Int?
        for _ in 0..<200 where bound == nil {
            try await Task.sleep(for: .milliseconds(25))
            bound = port.withLock { $0 }
        }
        let serverPort = try #require(bound, "the job board did not start")

        let sessions = await JobBoardSessions.logIn(seekers: 5, host: "127.0.0.1", port: serverPort)
        #expect(sessions.tokens.count == 5 && sessions.problem == nil, "\(sessions.problem ?? "")")
        let report = await LoadTest(
            host: "127.0.0.1", port: serverPort, mix: .jobBoard(jobCount: 40, seekerTokens: sessions.tokens),
            model: .closed(connections: 4), duration: 20, maxRequests: 600
        ).run()
        await services.triggerGracefulShutdown()

        // Every kind of request was sent and answered without a server error; the applications were accepted
        // (201) or, for a seeker who had already applied to that job, refused as a conflict (409).
        #expect(Set(report.latencyByKind.keys).isSuperset(of: ["search", "job", "page", "home", "login", "apply"]))
        #expect(report.statuses.keys.allSatisfy { !$0.hasPrefix("5") }, "\(report.statuses)")
        #expect((report.statuses["201"] ?? 0) > 0, "no application was accepted: \(report.statuses)")
        // What the board answered 201 for is what it stored: one application per acknowledged POST.
        var stored = 0
        for n in 1...5 {
            let seeker = try #require(try await store.credentials(email: "seeker\(n)@example.com")).account
            stored += try await store.applications(seekerID: seeker.id).count
        }
        #expect(stored == report.statuses["201"])
        try await store.close()
    }

    @Test func loggingInToAnUnseededBoardSaysWhy() async throws {
        let outcome = await JobBoardSessions.logIn(seekers: 3, host: "127.0.0.1", port: 1, timeout: 1)
        #expect(outcome.tokens.isEmpty)
        #expect(outcome.problem?.contains("cannot connect") == true)
    }
}
