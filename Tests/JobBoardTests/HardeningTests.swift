import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import JobBoard
import NIOCore
import Testing

/// What a user or an attacker meets at the edges of the job board: HEAD, forged form posts, and the headers that
/// keep pages to themselves.
@Suite struct HardeningTests {
    @Test(arguments: ["/", "/jobs", "/api/v1/jobs", "/healthz", "/readyz", "/jobs.atom"])
    func headAnswersAsGetDoesWithoutABody(path: String) async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let get = try await client.execute(uri: path, method: .get)
            let head = try await client.execute(uri: path, method: .head)
            #expect(get.status == .ok)
            #expect(head.status == get.status, "HEAD \(path)")
            #expect(head.body.readableBytes == 0)
            #expect(head.headers[.contentType] == get.headers[.contentType])
        }
    }

    /// Every form of the site, as its action: none is taken without the token.
    static let formActions = [
        "/login", "/register", "/logout", "/dashboard/jobs", "/dashboard/jobs/1/publish", "/dashboard/jobs/1/renew", "/dashboard/jobs/1/close",
        "/jobs/1/apply", "/applications/1/withdraw", "/dashboard/applications/1/status",
    ]

    @Test(arguments: formActions)
    func aFormPostWithoutTheTokenOrWithAWrongOneIs403(action: String) async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let missing = try await client.execute(uri: action, method: .post, headers: form, body: ByteBuffer(string: "title=x"))
            #expect(missing.status == .forbidden, "\(action) without a token")
            let page = try await client.csrf("/login")
            var forged = form
            forged[.cookie] = page.cookie
            let wrong = try await client.execute(
                uri: action, method: .post, headers: forged, body: ByteBuffer(string: "_csrf=\(String(repeating: "0", count: 64))&title=x"))
            #expect(wrong.status == .forbidden, "\(action) with a wrong token")
            #expect(wrong.text.contains("security token"))
        }
    }

    @Test func aForgedLoginOrPostingChangesNothingAndAPostFromAnotherSiteIsRefused() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            // Login CSRF: a forged login sets no session.
            let login = try await client.execute(
                uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "email=hr%40acme.example&password=correct+horse"))
            #expect(login.status == .forbidden)
            #expect(login.headers[values: .setCookie].allSatisfy { !$0.hasPrefix("evenkeel_session=") })
            // A forged posting creates no job.
            var session = form
            session[.cookie] = "evenkeel_session=\(employer)"
            _ = try await client.execute(uri: "/dashboard/jobs", method: .post, headers: session, body: ByteBuffer(string: "title=Forged&company=X"))
            #expect(try await board.store.jobs(employerID: 1).isEmpty)
            // The right token, but the browser says the form came from elsewhere.
            let page = try await client.csrf("/login")
            var fromElsewhere = form
            fromElsewhere[.cookie] = page.cookie
            fromElsewhere[.origin] = "https://evil.example"
            fromElsewhere[HTTPField.Name("Host")!] = "jobs.example"
            let refused = try await client.execute(
                uri: "/login", method: .post, headers: fromElsewhere,
                body: ByteBuffer(string: "_csrf=\(page.token)&email=hr%40acme.example&password=correct+horse"))
            #expect(refused.status == .forbidden)
            var fromHere = fromElsewhere
            fromHere[.origin] = "https://jobs.example"
            let taken = try await client.execute(
                uri: "/login", method: .post, headers: fromHere,
                body: ByteBuffer(string: "_csrf=\(page.token)&email=hr%40acme.example&password=correct+horse"))
            #expect(taken.status == .found, "\(taken.text)")
        }
    }

    @Test func pagesCarryTheSecurityHeadersAndTheAPIIsNotSniffed() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let page = try await client.execute(uri: "/", method: .get)
            let policy = try #require(page.headers[.contentSecurityPolicy])
            #expect(policy.contains("default-src 'self'"))
            #expect(policy.contains("script-src 'none'"))
            #expect(policy.contains("frame-ancestors 'none'"))
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            #expect(page.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
            #expect(!page.text.contains("<script>"), "no inline script for the policy to break")
            let api = try await client.execute(uri: "/api/v1/jobs", method: .get)
            #expect(api.headers[.xContentTypeOptions] == "nosniff")
            #expect(api.headers[.contentSecurityPolicy] == nil)
        }
    }

    @Test func cookiesAreSecureWhenTheTrustedBalancerSaysHTTPS() async throws {
        let board = try await JobBoardFixture(trustForwardedFor: true)
        try await board.test { client in
            _ = try await client.signUp("seeker", "ana@example.com")
            let page = try await client.csrf("/login")
            let login = try await client.execute(
                uri: "/login", method: .post,
                headers: [
                    .contentType: "application/x-www-form-urlencoded", .cookie: page.cookie, HTTPField.Name("X-Forwarded-Proto")!: "https",
                ],
                body: ByteBuffer(string: "_csrf=\(page.token)&email=ana%40example.com&password=correct+horse"))
            #expect(login.status == .found)
            let session = try #require(login.headers[values: .setCookie].first { $0.hasPrefix("evenkeel_session=") })
            #expect(session.contains("; Secure"))
        }
        // Without the trusted balancer's word, no Secure flag (the site may be plain HTTP on a developer's machine).
        let direct = try await JobBoardFixture()
        try await direct.test { client in
            _ = try await client.signUp("seeker", "ana@example.com")
            let page = try await client.csrf("/login")
            let login = try await client.execute(
                uri: "/login", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: page.cookie, HTTPField.Name("X-Forwarded-Proto")!: "https"],
                body: ByteBuffer(string: "_csrf=\(page.token)&email=ana%40example.com&password=correct+horse"))
            #expect(login.headers[values: .setCookie].allSatisfy { !$0.contains("Secure") })
        }
    }

    @Test func aMethodAPathDoesNotHaveIs405WithTheMethodsItHas() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let trace = try await client.execute(uri: "/api/v1/auth/login", method: .trace)
            #expect(trace.status == .methodNotAllowed)
            #expect(trace.headers[.allow] == "POST")
            #expect(trace.headers[.contentType] == "application/problem+json")
            let delete = try await client.execute(uri: "/api/v1/jobs", method: .delete)
            #expect(delete.status == .methodNotAllowed)
            #expect(delete.headers[.allow] == "GET, HEAD, POST")
            let feed = try await client.execute(uri: "/jobs.atom", method: .post)
            #expect(feed.status == .methodNotAllowed)
            #expect(feed.headers[.allow] == "GET, HEAD")
            // Page paths too: the form guard does not get to answer 403 for a method the path does not have.
            for (path, method, allow) in [("/jobs", HTTPRequest.Method.delete, "GET, HEAD"), ("/login", .put, "GET, HEAD, POST"), ("/", .patch, "GET, HEAD")] {
                let page = try await client.execute(uri: path, method: method)
                #expect(page.status == .methodNotAllowed, "\(method) \(path)")
                #expect(page.headers[.allow] == allow, "\(method) \(path)")
            }
            // A path that does not exist at all stays 404, and so does a missing resource on a real route.
            #expect(try await client.execute(uri: "/api/v1/nothing", method: .delete).status == .notFound)
            #expect(try await client.execute(uri: "/api/v1/jobs/99999", method: .get).status == .notFound)
        }
    }

    @Test func routePatternsMatchOnlyWholePaths() {
        func matches(_ pattern: String, _ path: String) -> Bool { RouteMethods.matches(RouteMethods.segments(pattern), RouteMethods.segments(path)) }
        #expect(matches("/api/v1/jobs/{id}", "/api/v1/jobs/7"))
        #expect(!matches("/api/v1/jobs/{id}", "/api/v1/jobs/7/applications"))
        #expect(!matches("/api/v1/jobs/{id}", "/api/v1/jobs"))
        #expect(matches("/", "/"))
        #expect(matches("/static/**", "/static/a/b.css"))
    }
}
