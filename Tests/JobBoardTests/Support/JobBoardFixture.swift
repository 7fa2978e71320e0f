import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JobBoard
import Logging
import NIOCore
import Testing

/// A job board on a fresh SQLite file, with a movable clock, driven through its real router.
struct JobBoardFixture: Sendable {
    let directory: URL
    let store: SQLiteStore
    let clock: TestClock
    let service: JobBoardService
    let readiness: Readiness
    let metrics: JobBoardMetrics
    let configuration: JobBoardConfiguration

    init(rateLimits: RateLimits? = nil, replica: String = "test-replica", faultInjection: Bool = false, trustForwardedFor: Bool = false) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appendingPathComponent("jobs.sqlite").path)
        try await store.migrate()
        let clock = TestClock()
        self.clock = clock
        service = JobBoardService(store: store, clock: { clock.now }, bcryptCost: 4)
        readiness = Readiness()
        metrics = JobBoardMetrics(usage: DatabaseUsage())
        var configuration = JobBoardConfiguration(replicaName: replica, rateLimits: rateLimits, bcryptCost: 4)
        configuration.faultInjection = faultInjection
        configuration.trustForwardedFor = trustForwardedFor
        self.configuration = configuration
    }

    /// The router as the replica builds it, with the catalog of its API routes.
    func makeRouter() async throws -> (Router<JobBoardContext>, RouteCatalog) {
        try await buildJobBoardRouter(configuration: configuration, service: service, readiness: readiness, metrics: metrics)
    }

    /// Runs `body` with a client for the router (no sockets, unless `live`: a real listener on loopback).
    func test<T: Sendable>(live: Bool = false, _ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        let app = Application(router: try await makeRouter().0, logger: Logger(label: "test"))
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await app.test(live ? .live : .router) { client in try await body(client) }
    }
}

/// Helpers for talking JSON to the API in tests.
extension TestClientProtocol {
    @discardableResult
    func json(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, body: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil && headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    /// Registers an account of `role` and returns its bearer token.
    func signUp(_ role: String, _ email: String, password: String = "correct horse") async throws -> String {
        let registered = try await json(
            .post, "/api/v1/auth/register",
            body: #"{"email":"\#(email)","password":"\#(password)","role":"\#(role)","display_name":"\#(email)"}"#)
        #expect(registered.status == .created, "registering \(email): \(String(buffer: registered.body))")
        let login = try await json(.post, "/api/v1/auth/login", body: #"{"email":"\#(email)","password":"\#(password)"}"#)
        #expect(login.status == .ok)
        return try login.decoded(TokenBody.self).token
    }

    /// Logs in again (sessions expire when tests move the clock) and returns the new token.
    func logIn(_ email: String, password: String = "correct horse") async throws -> String {
        let login = try await json(.post, "/api/v1/auth/login", body: #"{"email":"\#(email)","password":"\#(password)"}"#)
        #expect(login.status == .ok)
        return try login.decoded(TokenBody.self).token
    }

    /// Creates a draft job and returns its id.
    func createJob(token: String, _ body: String = JobBodies.valid) async throws -> Int64 {
        let response = try await json(.post, "/api/v1/jobs", token: token, body: body)
        #expect(response.status == .created, "\(String(buffer: response.body))")
        return try response.decoded(IDBody.self).id
    }

    /// Creates and publishes a job, returning its id.
    func publishedJob(token: String, _ body: String = JobBodies.valid) async throws -> Int64 {
        let id = try await createJob(token: token, body)
        let published = try await json(.post, "/api/v1/jobs/\(id)/publish", token: token)
        #expect(published.status == .ok)
        return id
    }
}

struct TokenBody: Decodable { var token: String }
struct IDBody: Decodable { var id: Int64 }
struct StatusBody: Decodable { var status: String }
struct ProblemBody: Decodable {
    var type: String
    var status: Int
    var detail: String
    var errors: [FieldIssue]?
}
struct JobListBody: Decodable {
    struct Item: Decodable {
        var id: Int64
        var title: String
        var status: String
    }
    var jobs: [Item]
    var next_cursor: String?
}

extension TestResponse {
    func decoded<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(body.readableBytesView))
    }

    var text: String { String(buffer: body) }

    /// The problem body, after checking the media type is problem+json.
    func problem() throws -> ProblemBody {
        #expect(headers[.contentType] == "application/problem+json")
        return try decoded(ProblemBody.self)
    }
}

/// Job bodies for the API.
enum JobBodies {
    static func make(
        title: String = "Senior Swift Engineer", company: String = "Acme Robotics", city: String = "Berlin",
        country: String = "DE", workplace: String = "hybrid", type: String = "FULL_TIME",
        salary: String = #"{"min":70000,"max":90000,"currency":"EUR","period":"YEAR"}"#, tags: String = #"["swift","backend"]"#,
        description: String = "Build the services that match people with jobs, on Linux servers."
    ) -> String {
        """
        {"title":"\(title)","company":"\(company)","description":"\(description)",
         "location":{"city":"\(city)","country":"\(country)"},"workplace":"\(workplace)","employment_type":"\(type)",
         "salary":\(salary),"tags":\(tags)}
        """
    }

    static let valid = make()
}
