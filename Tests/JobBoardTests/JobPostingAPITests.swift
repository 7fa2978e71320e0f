import Foundation
import HTTPTypes
import HummingbirdTesting
import JobBoard
import Testing

@Suite("Job postings through the API")
struct JobPostingAPITests {
    @Test func draftIsHiddenUntilPublishedThenSearchable() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            let id = try await client.createJob(token: employer)
            let anonymous = try await client.json(.get, "/api/v1/jobs/\(id)")
            #expect(anonymous.status == .notFound)
            #expect(try await client.json(.get, "/api/v1/jobs?q=swift").decoded(JobListBody.self).jobs.isEmpty)

            let published = try await client.json(.post, "/api/v1/jobs/\(id)/publish", token: employer)
            #expect(try published.decoded(StatusBody.self).status == "published")
            let found = try await client.json(.get, "/api/v1/jobs?q=swift").decoded(JobListBody.self)
            #expect(found.jobs.map(\.id) == [id])
        }
    }

    @Test func employerEditsAndClosesOwnJob() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            let id = try await client.publishedJob(token: employer)
            let edited = try await client.json(
                .put, "/api/v1/jobs/\(id)", token: employer, body: JobBodies.make(title: "Staff Swift Engineer"))
            #expect(edited.status == .ok)
            #expect(try await client.json(.get, "/api/v1/jobs/\(id)").text.contains("Staff Swift Engineer"))

            let closed = try await client.json(.post, "/api/v1/jobs/\(id)/close", token: employer)
            #expect(try closed.decoded(StatusBody.self).status == "closed")
            #expect(try await client.json(.get, "/api/v1/jobs?q=swift").decoded(JobListBody.self).jobs.isEmpty)
            let reopen = try await client.json(.post, "/api/v1/jobs/\(id)/publish", token: employer)
            #expect(reopen.status == .conflict)
        }
    }

    @Test func publishedJobExpiresAfterThirtyDaysAndRenewalExtendsIt() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            let id = try await client.publishedJob(token: employer)
            board.clock.advance(days: 29)
            #expect(try await client.json(.get, "/api/v1/jobs").decoded(JobListBody.self).jobs.count == 1)
            board.clock.advance(days: 2)
            #expect(try await client.json(.get, "/api/v1/jobs").decoded(JobListBody.self).jobs.isEmpty)
            #expect(try await client.json(.get, "/api/v1/jobs/\(id)").decoded(StatusBody.self).status == "expired")

            let again = try await client.logIn("hr@acme.example")
            let renewed = try await client.json(.post, "/api/v1/jobs/\(id)/renew", token: again)
            #expect(try renewed.decoded(StatusBody.self).status == "published")
            #expect(try await client.json(.get, "/api/v1/jobs").decoded(JobListBody.self).jobs.count == 1)
        }
    }

    @Test func anotherEmployersJobCannotBeChanged() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let owner = try await client.signUp("employer", "owner@acme.example")
            let rival = try await client.signUp("employer", "rival@other.example")
            let id = try await client.publishedJob(token: owner)
            for (method, path) in [
                (HTTPRequest.Method.put, "/api/v1/jobs/\(id)"), (.post, "/api/v1/jobs/\(id)/close"),
                (.post, "/api/v1/jobs/\(id)/renew"), (.get, "/api/v1/jobs/\(id)/applications"),
            ] {
                let response = try await client.json(
                    method, path, token: rival, body: method == .put ? JobBodies.make(title: "Hijacked") : nil)
                #expect(response.status == .forbidden, "\(method) \(path)")
                #expect(try response.problem().type == "/problems/forbidden")
            }
            let job = try await client.json(.get, "/api/v1/jobs/\(id)")
            #expect(try job.decoded(StatusBody.self).status == "published")
            #expect(!job.text.contains("Hijacked"))
        }
    }

    @Test func roleIsEnforced() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let anonymous = try await client.json(.post, "/api/v1/jobs", body: JobBodies.valid)
            #expect(anonymous.status == .unauthorized)
            #expect(try anonymous.problem().type == "/problems/unauthenticated")
            let seeker = try await client.signUp("seeker", "ana@example.com")
            let asSeeker = try await client.json(.post, "/api/v1/jobs", token: seeker, body: JobBodies.valid)
            #expect(asSeeker.status == .forbidden)
            let forged = try await client.json(.post, "/api/v1/jobs", token: String(repeating: "a", count: 64), body: JobBodies.valid)
            #expect(forged.status == .unauthorized)
            #expect(try await board.store.jobCount() == 0)
        }
    }

    @Test func malformedJSONIsRefusedNamingTheBody() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            let response = try await client.json(.post, "/api/v1/jobs", token: employer, body: #"{"title": "Swift"#)
            #expect(response.status == .unprocessableContent)
            #expect(try response.problem().errors?.first?.field == "body")
            #expect(try await board.store.jobCount() == 0)
        }
    }

    @Test(arguments: [
        (#"{"company":"A","description":"long enough description here","location":{"country":"DE"},"workplace":"remote","employment_type":"FULL_TIME"}"#, "title", "is required"),
        (JobBodies.make(workplace: "moon"), "workplace", "must be one of onsite, hybrid, remote"),
        (JobBodies.make(salary: #"{"min":"lots","currency":"EUR","period":"YEAR"}"#), "salary.min", "must be a number"),
        (JobBodies.make(country: "Germany"), "location.country", "ISO 3166-1"),
        (JobBodies.make(salary: #"{"min":90000,"max":70000,"currency":"EUR","period":"YEAR"}"#), "salary.max", "must not be below"),
        (JobBodies.make(salary: #"{"min":1,"currency":"euro","period":"YEAR"}"#), "salary.currency", "ISO 4217"),
        (JobBodies.make(title: "x"), "title", "3 to 120"),
        (JobBodies.make(tags: #"["ok", ""]"#), "tags[1]", "1 to 32"),
    ])
    func invalidFieldsAreNamed(body: String, field: String, message: String) async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            let response = try await client.json(.post, "/api/v1/jobs", token: employer, body: body)
            #expect(response.status == .unprocessableContent)
            let problem = try response.problem()
            let issue = try #require(problem.errors?.first { $0.field == field }, "\(problem)")
            #expect(issue.message.contains(message))
            #expect(try await board.store.jobCount() == 0)
        }
    }

    @Test func oversizeBodyIsRefusedWith413() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            let huge = JobBodies.make(description: String(repeating: "a", count: 70_000))
            let response = try await client.json(.post, "/api/v1/jobs", token: employer, body: huge)
            #expect(response.status == .contentTooLarge)
            #expect(try response.problem().type == "/problems/too-large")
            #expect(try await board.store.jobCount() == 0)
        }
    }

    @Test func wrongContentTypeIsAValidationError() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            let response = try await client.json(
                .post, "/api/v1/jobs", token: employer, body: JobBodies.valid, headers: [.contentType: "text/plain"])
            #expect(response.status == .unprocessableContent)
            #expect(try response.problem().errors?.first?.field == "body")
        }
    }

    @Test func moderatorUnpublishesSpam() async throws {
        let board = try await JobBoardFixture()
        _ = try await board.service.createAccount(
            email: "mod@example.com", password: "moderator-pass", role: .moderator, displayName: "Mod", cost: 4)
        try await board.test { client in
            let employer = try await client.signUp("employer", "spam@example.com")
            let id = try await client.publishedJob(token: employer)
            let login = try await client.json(.post, "/api/v1/auth/login", body: #"{"email":"mod@example.com","password":"moderator-pass"}"#)
            let moderator = try login.decoded(TokenBody.self).token
            let byEmployer = try await client.json(.post, "/api/v1/moderation/jobs/\(id)/unpublish", token: employer)
            #expect(byEmployer.status == .forbidden)
            let byModerator = try await client.json(.post, "/api/v1/moderation/jobs/\(id)/unpublish", token: moderator)
            #expect(try byModerator.decoded(StatusBody.self).status == "unpublished")
            #expect(try await client.json(.get, "/api/v1/jobs/\(id)").status == .notFound)
        }
    }
}
