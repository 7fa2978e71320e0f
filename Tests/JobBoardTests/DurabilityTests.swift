import Foundation
import JobBoard
import Synchronization
import Testing

@Suite("Nothing acknowledged is lost")
struct DurabilityTests {
    /// Posts jobs and applications from many concurrent clients into a real `serve` process, kills it with SIGKILL
    /// mid-load, and checks that every posting and application it answered 201 for is in the database.
    @Test func sigkillMidLoadLosesNoAcknowledgedWrite() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("jobs.sqlite").path

        let setup = try SQLiteStore(path: path)
        try await setup.migrate()
        let service = JobBoardService(store: setup)
        let employer = try await service.createAccount(
            email: "hr@acme.example", password: "employer-pass", role: .employer, displayName: "HR", cost: 4)
        let seekers = 40
        for n in 1...seekers {
            _ = try await service.createAccount(
                email: "s\(n)@example.com", password: "seeker-pass", role: .seeker, displayName: "S\(n)", cost: 4)
        }
        var jobIDs: [Int64] = []
        for n in 0..<seekers {
            let job = try await service.createJob(
                JobDraft(
                    title: "Job number \(n)", company: "Acme", description: "A job that many people will apply for.",
                    location: Location(city: "Berlin", region: nil, country: "DE"), workplace: .remote, employmentType: .fullTime,
                    salary: nil, tags: [], applyURL: nil), by: employer)
            jobIDs.append(try await service.publishJob(id: job.id, by: employer).id)
        }
        try await setup.close()

        let server = try await ServeProcess.start(arguments: ["--db", "sqlite:\(path)", "--no-rate-limits"])
        struct Token: Decodable { var token: String }
        struct Created: Decodable { var id: Int64 }
        let employerToken = try JSONDecoder().decode(
            Token.self,
            from: try await server.send("POST", "/api/v1/auth/login", body: #"{"email":"hr@acme.example","password":"employer-pass"}"#).1
        ).token
        var seekerTokens: [String] = []
        for n in 1...seekers {
            let login = try await server.send("POST", "/api/v1/auth/login", body: #"{"email":"s\#(n)@example.com","password":"seeker-pass"}"#)
            seekerTokens.append(try JSONDecoder().decode(Token.self, from: login.1).token)
        }

        let acknowledgedJobs = IDList()
        let acknowledgedApplications = IDList()
        let tokens = seekerTokens
        let jobs = jobIDs
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<seekers {
                group.addTask {
                    // Each seeker applies to every job in turn while also posting drafts as the employer.
                    for round in 0..<jobs.count {
                        let job = jobs[(worker + round) % jobs.count]
                        guard
                            let applied = try? await server.send(
                                "POST", "/api/v1/jobs/\(job)/applications", token: tokens[worker],
                                body: #"{"resume_url":"https://cv.example.com/\#(worker)"}"#)
                        else { return }
                        if applied.0 == 201, let created = try? JSONDecoder().decode(Created.self, from: applied.1) {
                            acknowledgedApplications.append(created.id)
                        }
                        let body = #"{"title":"Draft \#(worker)-\#(round)","company":"Acme","description":"A draft written under load by a worker.","location":{"country":"DE"},"workplace":"onsite","employment_type":"FULL_TIME"}"#
                        guard let posted = try? await server.send("POST", "/api/v1/jobs", token: employerToken, body: body)
                        else { return }
                        if posted.0 == 201, let created = try? JSONDecoder().decode(Created.self, from: posted.1) {
                            acknowledgedJobs.append(created.id)
                        }
                    }
                }
            }
            group.addTask {
                // Kill once the load is well under way.
                while acknowledgedApplications.all.count < 200 { try await Task.sleep(for: .milliseconds(5)) }
                await server.kill()
            }
            try await group.waitForAll()
        }

        let applications = acknowledgedApplications.all
        let postings = acknowledgedJobs.all
        #expect(applications.count >= 200)
        let reopened = try SQLiteStore(path: path)
        for id in applications {
            #expect(try await reopened.application(id: id) != nil, "application \(id) was acknowledged but is gone")
        }
        for id in postings {
            #expect(try await reopened.job(id: id) != nil, "job \(id) was acknowledged but is gone")
        }
        try await reopened.close()
    }
}

/// Ids collected from concurrent tasks.
final class IDList: Sendable {
    private let ids = Mutex<[Int64]>([])
    func append(_ id: Int64) { ids.withLock { $0.append(id) } }
    var all: [Int64] { ids.withLock { $0 } }
}
