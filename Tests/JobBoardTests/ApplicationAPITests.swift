import Foundation
import HTTPTypes
import HummingbirdTesting
import JobBoard
import Testing

@Suite("Applying to jobs through the API")
struct ApplicationAPITests {
    static let application = #"{"cover_note":"I would love to work on this.","resume_url":"https://cv.example.com/ana"}"#

    @Test func seekerAppliesOnceAndSeesStatus() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            let seeker = try await client.signUp("seeker", "ana@example.com")
            let job = try await client.publishedJob(token: employer)
            let applied = try await client.json(.post, "/api/v1/jobs/\(job)/applications", token: seeker, body: Self.application)
            #expect(applied.status == .created)
            #expect(try applied.decoded(StatusBody.self).status == "submitted")

            let twice = try await client.json(.post, "/api/v1/jobs/\(job)/applications", token: seeker, body: Self.application)
            #expect(twice.status == .conflict)
            #expect(try twice.problem().detail.contains("already applied"))
            #expect(try await board.store.applications(jobID: job).count == 1)

            let mine = try await client.json(.get, "/api/v1/me/applications", token: seeker)
            #expect(mine.text.contains("\"job_id\":\(job)"))
            #expect(mine.text.contains("Senior Swift Engineer"))
        }
    }

    @Test func employerMovesApplicationThroughThePipeline() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            let seeker = try await client.signUp("seeker", "ana@example.com")
            let job = try await client.publishedJob(token: employer)
            let id = try await client.json(.post, "/api/v1/jobs/\(job)/applications", token: seeker, body: Self.application)
                .decoded(IDBody.self).id

            let skip = try await client.json(.post, "/api/v1/applications/\(id)/status", token: employer, body: #"{"status":"hired"}"#)
            #expect(skip.status == .conflict)
            #expect(try skip.problem().detail.contains("reviewed or rejected"))
            for status in ["reviewed", "interviewing", "offered", "hired"] {
                let moved = try await client.json(
                    .post, "/api/v1/applications/\(id)/status", token: employer, body: #"{"status":"\#(status)"}"#)
                #expect(try moved.decoded(StatusBody.self).status == status)
            }
            let withdraw = try await client.json(.post, "/api/v1/applications/\(id)/withdraw", token: seeker)
            #expect(withdraw.status == .conflict)
            let list = try await client.json(.get, "/api/v1/jobs/\(job)/applications", token: employer)
            #expect(list.text.contains("\"status\":\"hired\""))
        }
    }

    @Test func seekerWithdrawsOpenApplication() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            let seeker = try await client.signUp("seeker", "ana@example.com")
            let other = try await client.signUp("seeker", "bo@example.com")
            let job = try await client.publishedJob(token: employer)
            let id = try await client.json(.post, "/api/v1/jobs/\(job)/applications", token: seeker, body: Self.application)
                .decoded(IDBody.self).id
            let byOther = try await client.json(.post, "/api/v1/applications/\(id)/withdraw", token: other)
            #expect(byOther.status == .notFound)
            let withdrawn = try await client.json(.post, "/api/v1/applications/\(id)/withdraw", token: seeker)
            #expect(try withdrawn.decoded(StatusBody.self).status == "withdrawn")
        }
    }

    @Test func expiredClosedAndExternalJobsTakeNoApplications() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            _ = try await client.signUp("seeker", "ana@example.com")
            let closed = try await client.publishedJob(token: employer)
            _ = try await client.json(.post, "/api/v1/jobs/\(closed)/close", token: employer)
            let draft = try await client.createJob(token: employer)
            let external = try await client.publishedJob(
                token: employer,
                JobBodies.make().replacingOccurrences(of: #""tags":"#, with: #""apply_url":"https://acme.example/jobs/1","tags":"#))
            let expiring = try await client.publishedJob(token: employer)
            let toExternal = try await client.json(
                .post, "/api/v1/jobs/\(external)/applications", token: try await client.logIn("ana@example.com"),
                body: Self.application)
            #expect(toExternal.status == .conflict)
            #expect(try toExternal.problem().detail.contains("https://acme.example/jobs/1"))
            board.clock.advance(days: 31)
            let seeker = try await client.logIn("ana@example.com")

            let expectations: [(Int64, HTTPResponse.Status)] = [
                (closed, .gone), (draft, .notFound), (external, .gone), (expiring, .gone), (99_999, .notFound),
            ]
            for (job, status) in expectations {
                let response = try await client.json(.post, "/api/v1/jobs/\(job)/applications", token: seeker, body: Self.application)
                #expect(response.status == status, "job \(job): \(response.text)")
            }
            #expect(try await board.store.applications(seekerID: 2).isEmpty)
        }
    }

    @Test func applicationNeedsAResumeLink() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            let seeker = try await client.signUp("seeker", "ana@example.com")
            let job = try await client.publishedJob(token: employer)
            let missing = try await client.json(.post, "/api/v1/jobs/\(job)/applications", token: seeker, body: #"{"cover_note":"hi"}"#)
            #expect(try missing.problem().errors?.first?.field == "resume_url")
            let bad = try await client.json(
                .post, "/api/v1/jobs/\(job)/applications", token: seeker, body: #"{"resume_url":"javascript:alert(1)"}"#)
            #expect(bad.status == .unprocessableContent)
            #expect(try await board.store.applications(jobID: job).isEmpty)
        }
    }

    @Test func employerCannotApply() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            let job = try await client.publishedJob(token: employer)
            let response = try await client.json(.post, "/api/v1/jobs/\(job)/applications", token: employer, body: Self.application)
            #expect(response.status == .forbidden)
        }
    }
}
