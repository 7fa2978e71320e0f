import Foundation
import HTTPTypes
import HummingbirdTesting
import JobBoard
import Testing

@Suite("Searching jobs through the API")
struct SearchAPITests {
    /// Publishes a small, varied catalogue and returns the employer token.
    static func catalogue(_ client: any TestClientProtocol) async throws -> String {
        let employer = try await client.signUp("employer", "hr@acme.example")
        let jobs = [
            JobBodies.make(title: "Swift Backend Engineer", city: "Berlin", workplace: "remote", tags: #"["swift","postgres"]"#),
            JobBodies.make(
                title: "iOS Developer", city: "Munich", workplace: "onsite",
                salary: #"{"min":40,"max":60,"currency":"EUR","period":"HOUR"}"#, tags: #"["swift","ios"]"#),
            JobBodies.make(
                title: "Data Engineer", city: "Paris", country: "FR", workplace: "hybrid", type: "CONTRACTOR",
                salary: #"{"min":50000,"max":60000,"currency":"EUR","period":"YEAR"}"#, tags: #"["python"]"#),
            JobBodies.make(
                title: "Site Reliability Engineer", company: "Northwind", city: "London", country: "GB",
                salary: #"{"max":120000,"currency":"GBP","period":"YEAR"}"#, tags: #"["haproxy","linux"]"#,
                description: "Keep the load balancers honest and the traffic even across replicas."),
        ]
        for job in jobs { _ = try await client.publishedJob(token: employer, job) }
        return employer
    }

    func titles(_ client: any TestClientProtocol, _ query: String) async throws -> [String] {
        let response = try await client.json(.get, "/api/v1/jobs?\(query)")
        #expect(response.status == .ok, "\(query): \(response.text)")
        return try response.decoded(JobListBody.self).jobs.map(\.title)
    }

    @Test func filtersNarrowTheResults() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            _ = try await Self.catalogue(client)
            #expect(try await titles(client, "q=swift").sorted() == ["Swift Backend Engineer", "iOS Developer"].sorted())
            #expect(try await titles(client, "q=balancers+traffic") == ["Site Reliability Engineer"])
            #expect(try await titles(client, "q=northwind") == ["Site Reliability Engineer"])
            #expect(try await titles(client, "workplace=remote") == ["Swift Backend Engineer"])
            #expect(try await titles(client, "employment_type=CONTRACTOR") == ["Data Engineer"])
            #expect(try await titles(client, "country=fr") == ["Data Engineer"])
            #expect(try await titles(client, "city=munich") == ["iOS Developer"])
            #expect(try await titles(client, "tags=swift&tags=ios") == ["iOS Developer"])
            #expect(try await titles(client, "tags=swift,postgres") == ["Swift Backend Engineer"])
            // 60 EUR an hour is 124,800 a year: above 100,000, as is the 120,000 GBP job.
            #expect(try await titles(client, "min_salary=100000").sorted() == ["Site Reliability Engineer", "iOS Developer"].sorted())
            #expect(try await titles(client, "min_salary=100000&currency=EUR") == ["iOS Developer"])
            #expect(try await titles(client, "q=swift&workplace=onsite") == ["iOS Developer"])
        }
    }

    @Test func postedWithinDaysUsesThePublishDate() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            _ = try await client.publishedJob(token: employer, JobBodies.make(title: "Old Posting"))
            board.clock.advance(days: 10)
            _ = try await client.publishedJob(token: employer, JobBodies.make(title: "Fresh Posting"))
            #expect(try await titles(client, "posted_within_days=7") == ["Fresh Posting"])
            #expect(try await titles(client, "posted_within_days=30").count == 2)
        }
    }

    @Test func salarySortPutsHighestYearlyPayFirst() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            _ = try await Self.catalogue(client)
            #expect(try await titles(client, "sort=salary&currency=EUR") == ["iOS Developer", "Swift Backend Engineer", "Data Engineer"])
        }
    }

    @Test(arguments: ["newest", "salary", "relevance"])
    func cursorPagesVisitEveryJobOnce(sort: String) async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            var expected = Set<Int64>()
            for index in 0..<23 {
                let salary = index % 4 == 0 ? "null" : #"{"min":\#(50_000 + (index % 3) * 1000),"currency":"EUR","period":"YEAR"}"#
                let description = "Engineer role number \(index) " + String(repeating: "engineer ", count: index % 5)
                expected.insert(
                    try await client.publishedJob(
                        token: employer, JobBodies.make(title: "Engineer \(index)", salary: salary, description: description)))
            }
            var seen: [Int64] = []
            var cursor: String?
            repeat {
                let query = "q=engineer&sort=\(sort)&limit=5" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await client.json(.get, "/api/v1/jobs?\(query)").decoded(JobListBody.self)
                seen += page.jobs.map(\.id)
                cursor = page.next_cursor
            } while cursor != nil
            #expect(seen.count == expected.count)
            #expect(Set(seen) == expected)
        }
    }

    @Test(arguments: [
        ("workplace=moon", "workplace"), ("employment_type=sometimes", "employment_type"), ("limit=0", "limit"),
        ("limit=101", "limit"), ("min_salary=-5", "min_salary"), ("posted_within_days=abc", "posted_within_days"),
        ("sort=random", "sort"), ("cursor=garbage", "cursor"), ("country=Germany", "country"),
    ])
    func badParametersAreNamed(query: String, parameter: String) async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let response = try await client.json(.get, "/api/v1/jobs?\(query)")
            #expect(response.status == .badRequest)
            #expect(try response.problem().errors?.first?.field == parameter)
        }
    }

    @Test func cursorFromAnotherSortIsRefused() async throws {
        let board = try await JobBoardFixture()
        try await board.test { client in
            let employer = try await client.signUp("employer", "hr@acme.example")
            for n in 0..<3 { _ = try await client.publishedJob(token: employer, JobBodies.make(title: "Job \(n)")) }
            let page = try await client.json(.get, "/api/v1/jobs?limit=1&sort=newest").decoded(JobListBody.self)
            let cursor = try #require(page.next_cursor)
            let response = try await client.json(.get, "/api/v1/jobs?limit=1&sort=salary&cursor=\(cursor)")
            #expect(response.status == .badRequest)
        }
    }
}
