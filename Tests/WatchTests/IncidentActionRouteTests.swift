import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import Watch

/// People acting on incidents through the API and the dashboard's forms: who may, and what a refusal changes
/// (nothing).
@Suite struct IncidentActionRouteTests {
    static let aliceToken = "alice-token-0123456789"
    static let alice = Operator(name: "alice", team: .engineering, tokenSHA256: Operator.hash(token: aliceToken))

    /// A router over an engine whose tracker has one open incident (id 1).
    static func app() async throws -> (some ApplicationProtocol, IncidentStore) {
        let store = try IncidentStore(path: ":memory:")
        let tracker = try await IncidentTracker(store: store, confirmations: 1, resolveAfter: 60)
        _ = try await tracker.observe(
            "jobboard",
            finding: Finding(diagnosis: .configSkew, severity: .page, backends: ["replica-2"], summary: "replica-2 takes 90%", evidence: []),
            at: Date())
        let metrics = WatchMetrics()
        let engine = WatchEngine(settings: WatchSettings(balancers: []), sources: [], tracker: tracker, metrics: metrics, logger: WatchFixture.quiet)
        let router = WatchRouter.build(engine: engine, store: store, metrics: metrics, access: WatchAccess(operators: [alice]))
        return (Application(router: router), store)
    }

    static func json(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    @Test func theAPIActsOnlyWithAKnownBearerTokenAndSaysWhoActed() async throws {
        let (app, store) = try await Self.app()
        try await app.test(.router) { c in
            try await c.execute(uri: "/api/v1/incidents/1/ack", method: .post, body: Self.json("{}")) { r in
                #expect(r.status == .unauthorized)
                #expect(r.headers[.contentType] == "application/problem+json")
            }
            try await c.execute(uri: "/api/v1/incidents/1/ack", method: .post, headers: [.authorization: "Bearer wrong"], body: Self.json("{}")) { r in
                #expect(r.status == .unauthorized)
            }
            #expect(try await store.incident(id: 1)?.state == .open, "a refused action changes nothing")
            try await c.execute(
                uri: "/api/v1/incidents/1/ack", method: .post, headers: [.authorization: "Bearer \(Self.aliceToken)"],
                body: Self.json("{\"text\": \"reverting\"}")
            ) { r in
                #expect(r.status == .ok)
                let incident = try WatchJSON.decoder().decode(Incident.self, from: Data(r.body.readableBytesView))
                #expect(incident.state == .acknowledged)
                #expect(incident.acknowledgedBy == "alice")
            }
            try await c.execute(uri: "/api/v1/incidents/1/ack", method: .post, headers: [.authorization: "Bearer \(Self.aliceToken)"]) { r in
                #expect(r.status == .conflict)
            }
            try await c.execute(
                uri: "/api/v1/incidents/1/notes", method: .post, headers: [.authorization: "Bearer \(Self.aliceToken)"], body: Self.json("{}")
            ) { r in
                #expect(r.status == .badRequest)
            }
            try await c.execute(
                uri: "/api/v1/incidents/1/notes", method: .post, headers: [.authorization: "Bearer \(Self.aliceToken)"], body: Self.json("not json")
            ) { r in
                #expect(r.status == .badRequest)
            }
            try await c.execute(uri: "/api/v1/incidents/9/resolve", method: .post, headers: [.authorization: "Bearer \(Self.aliceToken)"]) { r in
                #expect(r.status == .notFound)
            }
            try await c.execute(uri: "/api/v1/incidents/1/resolve", method: .post, headers: [.authorization: "Bearer \(Self.aliceToken)"]) { r in
                #expect(r.status == .ok)
            }
            try await c.execute(uri: "/api/v1/incidents/1/report?format=markdown", method: .get) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("alice"))
            }
            try await c.execute(uri: "/api/v1/incidents/1/report?format=pdf", method: .get) { r in
                #expect(r.status == .badRequest)
            }
        }
        let timeline = try #require(try await store.incident(id: 1)).timeline
        #expect(timeline.compactMap(\.by) == ["alice", "alice"])
    }

    @Test func theDashboardsFormsNeedASessionAndItsCSRFToken() async throws {
        let (app, store) = try await Self.app()
        let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        try await app.test(.router) { c in
            // Not logged in: the page offers a login link, no forms; a post is refused.
            try await c.execute(uri: "/incidents/1", method: .get) { r in
                #expect(r.status == .ok)
                let page = String(buffer: r.body)
                #expect(page.contains("/login?return=/incidents/1"))
                #expect(!page.contains("action=\"/incidents/1/ack\""))
            }
            try await c.execute(uri: "/incidents/1/ack", method: .post, headers: form, body: ByteBuffer(string: "csrf=x")) { r in
                #expect(r.status == .unauthorized)
            }
            try await c.execute(uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "token=nope")) { r in
                #expect(r.status == .unauthorized)
                #expect(r.headers[.setCookie] == nil)
            }
            // Logged in: a session cookie, HttpOnly and SameSite=Strict.
            var cookie = ""
            try await c.execute(
                uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "token=\(Self.aliceToken)&return=%2Fincidents%2F1")
            ) { r in
                #expect(r.status == .seeOther)
                #expect(r.headers[.location] == "/incidents/1")
                let set = try #require(r.headers[.setCookie])
                #expect(set.contains("HttpOnly"))
                #expect(set.contains("SameSite=Strict"))
                cookie = String(set.split(separator: ";")[0])
            }
            var csrf = ""
            try await c.execute(uri: "/incidents/1", method: .get, headers: [.cookie: cookie]) { r in
                let page = String(buffer: r.body)
                #expect(page.contains("action=\"/incidents/1/ack\""))
                let marker = "name=\"csrf\" value=\""
                let start = try #require(page.range(of: marker)).upperBound
                csrf = String(page[start...].prefix { $0 != "\"" })
            }
            #expect(csrf.count > 20)
            var headers = form
            headers[.cookie] = cookie
            try await c.execute(uri: "/incidents/1/ack", method: .post, headers: headers, body: ByteBuffer(string: "csrf=forged&text=x")) { r in
                #expect(r.status == .forbidden)
            }
            #expect(try await store.incident(id: 1)?.state == .open, "a forged form changes nothing")
            try await c.execute(
                uri: "/incidents/1/ack", method: .post, headers: headers, body: ByteBuffer(string: "csrf=\(csrf)&text=on+it%21")
            ) { r in
                #expect(r.status == .seeOther)
                #expect(r.headers[.location] == "/incidents/1")
            }
            try await c.execute(uri: "/incidents/1/notes", method: .post, headers: headers, body: ByteBuffer(string: "csrf=\(csrf)&text=reverted")) { r in
                #expect(r.status == .seeOther)
            }
            try await c.execute(uri: "/logout", method: .post, headers: headers, body: ByteBuffer(string: "csrf=\(csrf)")) { r in
                #expect(r.status == .seeOther)
            }
            try await c.execute(uri: "/incidents/1/resolve", method: .post, headers: headers, body: ByteBuffer(string: "csrf=\(csrf)")) { r in
                #expect(r.status == .unauthorized, "the session ended at logout")
            }
        }
        let incident = try #require(try await store.incident(id: 1))
        #expect(incident.state == .acknowledged)
        #expect(incident.timeline.filter { $0.by == "alice" }.map(\.text) == ["Acknowledged: on it!", "reverted"])
    }

    @Test func aLoginReturnsOnlyToAPathOnThisSite() {
        #expect(WatchRouter.safeReturn("/incidents/3") == "/incidents/3")
        #expect(WatchRouter.safeReturn("//evil.example/") == "/")
        #expect(WatchRouter.safeReturn("https://evil.example/") == "/")
        #expect(WatchRouter.safeReturn(nil) == "/")
    }

    @Test func theCommandLinesClientListsShowsActsAndReportsOverHTTP() async throws {
        let (app, _) = try await Self.app()
        try await app.test(.live) { c in
            let base = "http://127.0.0.1:\(try #require(c.port))"
            try await WatchClient.with(baseURL: base, token: nil) { watch in
                let listed = try await watch.incidents(states: [.open])
                #expect(listed.map(\.id) == [1])
                #expect(IncidentText.row(listed[0]).contains("config_skew"))
                await #expect(throws: WatchClientError.self) { try await watch.act(.ack, id: 1, text: nil) }
            }
            try await WatchClient.with(baseURL: base, token: "wrong") { watch in
                do {
                    _ = try await watch.act(.ack, id: 1, text: nil)
                    Issue.record("a wrong token was taken")
                } catch let error as WatchClientError {
                    #expect(error.description.contains("401"))
                }
            }
            try await WatchClient.with(baseURL: base, token: Self.aliceToken) { watch in
                let acknowledged = try await watch.act(.ack, id: 1, text: "on it")
                #expect(acknowledged.acknowledgedBy == "alice")
                _ = try await watch.act(.notes, id: 1, text: "reverted")
                #expect(IncidentText.detail(try await watch.incident(id: 1)).contains("reverted — alice"))
                let draft = try await watch.report(id: 1, format: "markdown")
                #expect(draft.contains("alice"))
                do {
                    _ = try await watch.incident(id: 99)
                    Issue.record("a missing incident was found")
                } catch let error as WatchClientError {
                    #expect(error.description.contains("no incident 99"))
                }
            }
        }
    }
}
