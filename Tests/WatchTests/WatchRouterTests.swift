import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOPosix
import Testing
@testable import Watch

/// The JSON API, its errors, the OpenAPI file, the metrics and the dashboard, through Hummingbird's test client.
@Suite struct WatchRouterTests {
    /// A router over an engine with no reachable source and a store holding one open and one resolved incident.
    static func app() async throws -> (some ApplicationProtocol, IncidentStore, HTTPClient) {
        let store = try IncidentStore(path: ":memory:")
        _ = try await store.insert(
            Incident(
                id: 0, diagnosis: .configSkew, severity: .page, pool: "jobboard", backends: ["replica-2"], openedAt: Date(),
                summary: "replica-2 gets <100%> of requests", evidence: [Evidence(signal: "observed_share", backend: "replica-2", value: 1, baseline: 0.33)],
                configChange: ConfigChange(at: Date(), source: "http://127.0.0.1:9090", diff: "algorithm jobboard round_robin→consistent_hash(key: source_ip)"),
                timeline: [TimelineEntry(at: Date(), kind: "opened", text: "opened")]))
        var resolved = Incident(
            id: 0, diagnosis: .trafficSurge, severity: .info, pool: "jobboard", backends: [], openedAt: Date(), summary: "surge",
            evidence: [], configChange: nil, timeline: [])
        resolved.state = .resolved
        _ = try await store.insert(resolved)
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        let metrics = WatchMetrics()
        let engine = WatchEngine(
            settings: WatchSettings(balancers: []), sources: [],
            tracker: try await IncidentTracker(store: store), metrics: metrics, logger: WatchFixture.quiet)
        let router = WatchRouter.build(engine: engine, store: store, metrics: metrics)
        return (Application(router: router), store, client)
    }

    @Test func incidentsAreListedFilteredAndFetchedByID() async throws {
        let (app, _, client) = try await Self.app()
        try await app.test(.router) { c in
            try await c.execute(uri: "/api/v1/incidents", method: .get) { r in
                #expect(r.status == .ok)
                let list = try WatchJSON.decoder().decode(IncidentList.self, from: Data(r.body.readableBytesView))
                #expect(list.incidents.map(\.id) == [2, 1], "newest first")
            }
            try await c.execute(uri: "/api/v1/incidents?state=open", method: .get) { r in
                let list = try WatchJSON.decoder().decode(IncidentList.self, from: Data(r.body.readableBytesView))
                #expect(list.incidents.map(\.diagnosis) == [.configSkew])
            }
            try await c.execute(uri: "/api/v1/incidents/1", method: .get) { r in
                #expect(r.status == .ok)
                let text = String(buffer: r.body)
                #expect(text.contains("\"config_change\""))
                #expect(text.contains("round_robin→consistent_hash(key: source_ip)"))
                #expect(text.contains("\"opened_at\""))
            }
        }
        try await client.shutdown()
    }

    @Test func badRequestsGetProblemJSONSayingWhatIsWrong() async throws {
        let (app, _, client) = try await Self.app()
        try await app.test(.router) { c in
            for (uri, status, words) in [
                ("/api/v1/incidents/abc", HTTPResponse.Status.badRequest, "not a positive integer"),
                ("/api/v1/incidents/99999999999999999999", .badRequest, "not a positive integer"),
                ("/api/v1/incidents/42", .notFound, "no incident 42"),
                ("/api/v1/incidents?state=closed", .badRequest, "state 'closed'"),
                ("/api/v1/incidents?limit=0", .badRequest, "limit '0'"),
            ] {
                try await c.execute(uri: uri, method: .get) { r in
                    #expect(r.status == status, "\(uri)")
                    #expect(r.headers[.contentType] == "application/problem+json", "\(uri)")
                    #expect(String(buffer: r.body).contains(words), "\(uri): \(String(buffer: r.body))")
                }
            }
        }
        try await client.shutdown()
    }

    @Test func theDashboardShowsOpenIncidentsEscapedAndWorksWithoutJavaScript() async throws {
        let (app, _, client) = try await Self.app()
        try await app.test(.router) { c in
            try await c.execute(uri: "/", method: .get) { r in
                #expect(r.status == .ok)
                let page = String(buffer: r.body)
                #expect(page.contains("<!doctype html>"))
                #expect(page.contains("Incidents open (1)"))
                #expect(page.contains("config_skew"))
                #expect(page.contains("replica-2 gets &lt;100%&gt; of requests"), "escaped")
                #expect(!page.contains("<100%>"))
                #expect(page.contains("new EventSource('/events')"))
            }
            try await c.execute(uri: "/?fragment=1", method: .get) { r in
                #expect(!String(buffer: r.body).contains("<!doctype html>"))
            }
            try await c.execute(uri: "/openapi.yaml", method: .get) { r in
                #expect(String(buffer: r.body).contains("/api/v1/incidents/{id}:"))
            }
            try await c.execute(uri: "/metrics", method: .get) { r in
                #expect(String(buffer: r.body).contains("evenkeel_watch_incidents_open"))
            }
            try await c.execute(uri: "/api/v1/status", method: .get) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body).contains("\"config_changes\""))
            }
        }
        try await client.shutdown()
    }
}
