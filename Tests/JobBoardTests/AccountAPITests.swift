import Foundation
import HTTPTypes
import HummingbirdTesting
import JobBoard
import Testing

@Suite("Accounts, sessions and rate limits")
struct AccountAPITests {
    @Test func registeringTwiceWithTheSameEmailConflicts() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            _ = try await client.signUp("seeker", "ana@example.com")
            let again = try await client.json(
                .post, "/api/v1/auth/register",
                body: #"{"email":"ANA@example.com","password":"another pass","role":"seeker","display_name":"Ana"}"#)
            #expect(again.status == .conflict)
        }
    }

    @Test func signUpCannotCreateModerators() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let response = try await client.json(
                .post, "/api/v1/auth/register",
                body: #"{"email":"x@example.com","password":"long enough","role":"moderator","display_name":"X"}"#)
            #expect(try response.problem().errors?.first?.field == "role")
        }
    }

    @Test func wrongPasswordIsRefusedAndLogoutEndsTheSession() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let token = try await client.signUp("seeker", "ana@example.com")
            let wrong = try await client.json(.post, "/api/v1/auth/login", body: #"{"email":"ana@example.com","password":"nope nope"}"#)
            #expect(wrong.status == .unauthorized)
            #expect(try await client.json(.get, "/api/v1/me", token: token).status == .ok)
            #expect(try await client.json(.post, "/api/v1/auth/logout", token: token).status == .noContent)
            #expect(try await client.json(.get, "/api/v1/me", token: token).status == .unauthorized)
        }
    }

    @Test func companyProfileNamesTheEmployersJobs() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            #expect(try await client.json(.get, "/api/v1/company", token: employer).status == .notFound)
            let saved = try await client.json(
                .put, "/api/v1/company", token: employer,
                body: #"{"name":"Acme Robotics","website":"https://acme.example","location":{"city":"Berlin","country":"de"}}"#)
            #expect(saved.status == .ok)
            #expect(saved.text.contains("\"country\":\"DE\""))
            let body = JobBodies.valid.replacingOccurrences(of: #""company":"Acme Robotics","#, with: "")
            let id = try await client.createJob(token: employer, body)
            #expect(try await client.json(.get, "/api/v1/jobs/\(id)", token: employer).text.contains("Acme Robotics"))
            let badSite = try await client.json(.put, "/api/v1/company", token: employer, body: #"{"name":"A","website":"ftp://x"}"#)
            #expect(try badSite.problem().errors?.first?.field == "website")
        }
    }

    /// A profile's location follows a posting's rules (the API fuzzer found a 101-character region stored and then
    /// served against the spec).
    @Test func companyLocationIsCheckedAndTrimmedAsAPostingsIs() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            let region = String(repeating: "r", count: 101)
            let long = try await client.json(
                .put, "/api/v1/company", token: employer, body: #"{"name":"Acme","location":{"region":"\#(region)","country":"DE"}}"#)
            #expect(long.status == .unprocessableContent)
            #expect(try long.problem().errors?.map(\.field) == ["location.region"])
            #expect(try await client.json(.get, "/api/v1/company", token: employer).status == .notFound, "nothing stored")
            let blank = try await client.json(
                .put, "/api/v1/company", token: employer, body: #"{"name":"Acme","location":{"city":"  ","region":" Bavaria ","country":"de"}}"#)
            #expect(blank.status == .ok)
            #expect(blank.text.contains(#""region":"Bavaria""#))
            #expect(!blank.text.contains(#""city""#) || blank.text.contains(#""city":null"#))
        }
    }

    @Test func loginIsRateLimitedPerClientWithRetryAfter() async throws {
        let limits = RateLimits(login: .init(burst: 3, perMinute: 1))
        let board = try await JobBoardFixture(rateLimits: limits)
        try await board.test { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<5 {
                let response = try await client.json(
                    .post, "/api/v1/auth/login", body: #"{"email":"ana@example.com","password":"whatever1"}"#)
                statuses.append(response.status)
                if response.status == .tooManyRequests {
                    let retry = try #require(response.headers[.retryAfter].flatMap { Int($0) })
                    #expect(retry >= 1 && retry <= 60)
                    #expect(try response.problem().type == "/problems/rate-limited")
                }
            }
            #expect(statuses == [.unauthorized, .unauthorized, .unauthorized, .tooManyRequests, .tooManyRequests])
        }
    }

    @Test func rateLimitSpecsChangeOneLimitAndRefuseNonsense() throws {
        var limits = RateLimits()
        try limits.apply("posting=3/30")
        #expect(limits.posting == .init(burst: 3, perMinute: 30))
        #expect(limits.login == RateLimits().login)
        #expect(throws: RateLimitSpecError.self) { try limits.apply("posting=3") }
        #expect(throws: RateLimitSpecError.self) { try limits.apply("search=3/4") }
        #expect(throws: RateLimitSpecError.self) { try limits.apply("login=0/4") }
    }

    @Test func tokenBucketRefillsAtItsRate() {
        let limiter = RateLimiter(rule: .init(burst: 2, perMinute: 60))
        let start = ContinuousClock.now
        #expect(limiter.take("a", now: start) == .allowed)
        #expect(limiter.take("a", now: start) == .allowed)
        #expect(limiter.take("a", now: start) == .limited(retryAfterSeconds: 1))
        #expect(limiter.take("b", now: start) == .allowed)
        #expect(limiter.take("a", now: start + .seconds(1)) == .allowed)
        #expect(limiter.take("a", now: start + .seconds(1)) == .limited(retryAfterSeconds: 1))
    }
}
