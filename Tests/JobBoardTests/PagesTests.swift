import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import NIOCore
import HTTPTypes
import HummingbirdTesting
import JobBoard
import Testing

@Suite("Server-rendered pages and the Atom feed")
struct PagesTests {
    @Test func homeAndResultsListLiveJobs() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            _ = try await client.publishedJob(token: employer)
            _ = try await client.createJob(token: employer, JobBodies.make(title: "Secret Draft Role"))
            let home = try await client.execute(uri: "/", method: .get)
            #expect(home.status == .ok)
            #expect(home.headers[.contentType] == "text/html; charset=utf-8")
            #expect(home.text.contains("Senior Swift Engineer"))
            #expect(!home.text.contains("Secret Draft Role"))
            // Browsers send spaces in GET forms as "+".
            let results = try await client.execute(uri: "/jobs?q=senior+swift&workplace=hybrid", method: .get)
            #expect(results.text.contains("Senior Swift Engineer"))
            #expect(results.text.contains(#"href="/jobs.atom?q=senior%20swift&amp;workplace=hybrid""#))
            #expect(!results.text.contains("<script src"))
        }
    }

    @Test func jobPageCarriesJSONLDOnlyWhileLive() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            let id = try await client.publishedJob(
                token: employer, JobBodies.make(description: "Evil </script><script>alert(1)</script> text that is long"))
            let page = try await client.execute(uri: "/jobs/\(id)", method: .get)
            let script = try #require(page.text.firstRange(of: #"<script type="application/ld+json">"#))
            let json = page.text[script.upperBound...].prefix { $0 != "<" }
            let posting = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            #expect(posting["@type"] as? String == "JobPosting")
            #expect(posting["title"] as? String == "Senior Swift Engineer")
            #expect(posting["employmentType"] as? String == "FULL_TIME")
            #expect((posting["hiringOrganization"] as? [String: Any])?["name"] as? String == "Acme Robotics")
            #expect(posting["validThrough"] != nil)
            #expect(!page.text.contains("<script>alert(1)"))

            board.clock.advance(days: 31)
            let expired = try await client.execute(uri: "/jobs/\(id)", method: .get)
            #expect(!expired.text.contains("application/ld+json"))
            #expect(expired.text.contains("has expired"))
        }
    }

    @Test func loginFormSetsASessionCookieThatOpensTheDashboard() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            _ = try await client.signUp("employer", "hr@acme.example")
            let anonymous = try await client.execute(uri: "/dashboard", method: .get)
            #expect(anonymous.status == .found)
            #expect(anonymous.headers[.location] == "/login")

            let form = try await client.csrf("/login")
            let login = try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded", .cookie: form.cookie],
                body: ByteBuffer(string: "_csrf=\(form.token)&email=hr%40acme.example&password=correct+horse"))
            #expect(login.status == .found)
            let cookie = try #require(login.headers[.setCookie])
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            let pair = String(cookie.prefix { $0 != ";" })

            let dashboard = try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: pair])
            #expect(dashboard.status == .ok)
            #expect(dashboard.text.contains("Your postings"))

            let created = try await client.execute(
                uri: "/dashboard/jobs", method: .post,
                headers: [.cookie: "\(pair); \(form.cookie)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(
                    string:
                        "_csrf=\(form.token)&title=Platform+Engineer&company=Acme&description=Run+the+platform+that+serves+every+job+page.&country=de&workplace=remote&employment_type=FULL_TIME&salary_min=60000&salary_currency=eur&salary_period=YEAR&tags=go%2C+linux"
                ))
            #expect(created.status == .found)
            let jobs = try await board.store.jobs(employerID: 1)
            #expect(jobs.map(\.content.title) == ["Platform Engineer"])
            #expect(jobs.first?.content.tags == ["go", "linux"])
            #expect(jobs.first?.content.salary?.currency == "EUR")
        }
    }

    @Test func wrongPasswordOnTheLoginPageSaysSo() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let form = try await client.csrf("/login")
            let response = try await client.execute(
                uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded", .cookie: form.cookie],
                body: ByteBuffer(string: "_csrf=\(form.token)&email=nobody%40example.com&password=x"))
            #expect(response.status == .unauthorized)
            #expect(response.text.contains("email or password is wrong"))
        }
    }

    @Test func seekerAppliesFromTheJobPage() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            let id = try await client.publishedJob(token: employer)
            let seeker = try await client.signUp("seeker", "ana@example.com")
            let cookie = "evenkeel_session=\(seeker)"
            let page = try await client.execute(uri: "/jobs/\(id)", method: .get, headers: [.cookie: cookie])
            #expect(page.text.contains(#"action="/jobs/\#(id)/apply""#), "\(page.text)")
            let form = try await client.csrf("/jobs/\(id)", cookie: cookie)
            let applied = try await client.execute(
                uri: "/jobs/\(id)/apply", method: .post,
                headers: [.cookie: "\(cookie); \(form.cookie)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(form.token)&resume_url=https%3A%2F%2Fcv.example.com%2Fana&cover_note=Hello"))
            #expect(applied.status == .found)
            let list = try await client.execute(uri: "/applications", method: .get, headers: [.cookie: cookie])
            #expect(list.text.contains("submitted"))
        }
    }

    @Test func missingPageIsHTMLAndMissingAPIRouteIsProblemJSON() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let page = try await client.execute(uri: "/no/such/page", method: .get)
            #expect(page.status == .notFound)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let api = try await client.execute(uri: "/api/v1/nothing", method: .get)
            #expect(api.status == .notFound)
            #expect(api.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func atomFeedListsMatchingJobsAsValidXML() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            _ = try await client.publishedJob(token: employer, JobBodies.make(title: "Swift & Friends Engineer"))
            _ = try await client.publishedJob(token: employer, JobBodies.make(title: "Python Developer", tags: #"["python"]"#, description: "Write Python services for our search."))
            let feed = try await client.execute(uri: "/jobs.atom?q=swift", method: .get)
            #expect(feed.headers[.contentType] == "application/atom+xml; charset=utf-8")
            let parser = XMLParser(data: Data(feed.text.utf8))
            let collector = EntryTitles()
            parser.delegate = collector
            #expect(parser.parse(), "feed is not well-formed XML: \(feed.text)")
            #expect(collector.titles == ["Swift & Friends Engineer at Acme Robotics"])
        }
    }
}

/// Collects `<entry><title>` texts from an Atom document.
final class EntryTitles: NSObject, XMLParserDelegate {
    var titles: [String] = []
    private var inEntry = false
    private var inTitle = false
    private var text = ""

    func parser(
        _ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if element == "entry" { inEntry = true }
        if element == "title" && inEntry {
            inTitle = true
            text = ""
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inTitle { text += string }
    }

    func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
        if element == "title" && inTitle {
            titles.append(text)
            inTitle = false
        }
        if element == "entry" { inEntry = false }
    }
}

extension TestClientProtocol {
    /// GETs the page at `uri` (with `cookie`) as a browser would, and returns the CSRF cookie it set (`name=value`) and
    /// the token its forms carry.
    func csrf(_ uri: String, cookie: String? = nil) async throws -> (cookie: String, token: String) {
        let page = try await execute(uri: uri, method: .get, headers: cookie.map { [.cookie: $0] } ?? [:])
        let set = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("evenkeel_csrf=") }, "no CSRF cookie on \(uri)")
        let pair = String(set.prefix { $0 != ";" })
        let marker = #"name="_csrf" value=""#
        let start = try #require(page.text.range(of: marker), "no form token on \(uri)").upperBound
        let token = String(page.text[start...].prefix { $0 != "\"" })
        #expect(pair == "evenkeel_csrf=\(token)", "the cookie and the form carry the same token")
        return (pair, token)
    }
}
