import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Watch's HTTP surface: the JSON API, its OpenAPI description, Watch's own metrics, the dashboard and its live
/// updates.
public enum WatchRouter {
    /// The routes over `engine` and `store`; `outbox` shows notifications, `access` says who may act.
    public static func build(
        engine: WatchEngine, store: IncidentStore, metrics: WatchMetrics, outbox: Outbox? = nil, access: WatchAccess = WatchAccess()
    ) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        addActions(to: router, engine: engine, store: store, outbox: outbox, access: access)
        router.get("/api/v1/status") { _, _ in
            let status = StatusDocument(
                generatedAt: Date(), pools: await engine.status(), replicas: await engine.replicaStatus(),
                sources: await engine.sourceStatus(), configChanges: await engine.configChanges())
            return try json(status)
        }
        router.get("/api/v1/incidents") { request, _ in
            let states = try parseStates(request.uri.queryParameters["state"].map(String.init))
            let limit = try parseLimit(request.uri.queryParameters["limit"].map(String.init))
            return try json(IncidentList(incidents: try await store.incidents(states: states, limit: limit)))
        }
        router.get("/api/v1/incidents/{id}") { _, context in
            let text = context.parameters.get("id") ?? ""
            guard let id = Int64(text), id > 0 else {
                throw WatchProblem(.badRequest, "incident id '\(text)' is not a positive integer")
            }
            guard let incident = try await store.incident(id: id) else {
                throw WatchProblem(.notFound, "no incident \(id)")
            }
            return try json(incident)
        }
        router.get("/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"], body: ResponseBody(byteBuffer: ByteBuffer(string: WatchOpenAPI.document)))
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.render())))
        }
        router.get("/") { request, _ in
            let fragment = request.uri.queryParameters["fragment"] != nil
            if fragment { metrics.dashboardRefreshes.add(1) }
            let page = try await DashboardPage.render(engine: engine, store: store, outbox: outbox, fragment: fragment)
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
        }
        router.get("/events") { _, _ in
            // Each live dashboard holds a stream; beyond the cap a page still works, it just does not update.
            guard let updates = await engine.updates(limit: Self.maxLiveDashboards) else {
                throw WatchProblem(.serviceUnavailable, "more than \(Self.maxLiveDashboards) dashboards are open with live updates; reload later")
            }
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                body: ResponseBody { writer in
                    metrics.liveDashboards.add(1)
                    defer { metrics.liveDashboards.add(-1) }
                    try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
                    for await tick in updates {
                        try await writer.write(ByteBuffer(string: "event: update\ndata: \(tick)\n\n"))
                    }
                    try await writer.finish(nil)
                })
        }
        return router
    }

    /// Dashboards that may follow live updates at once.
    static let maxLiveDashboards = 64

    /// The `state` query: one state or several, comma-separated.
    static func parseStates(_ text: String?) throws -> [Incident.State]? {
        guard let text, !text.isEmpty else { return nil }
        return try text.split(separator: ",").map { part in
            guard let state = Incident.State(rawValue: String(part)) else {
                throw WatchProblem(
                    .badRequest, "state '\(part)' is not one of \(Incident.State.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return state
        }
    }

    static func parseLimit(_ text: String?) throws -> Int {
        guard let text else { return 100 }
        guard let limit = Int(text), (1...1000).contains(limit) else {
            throw WatchProblem(.badRequest, "limit '\(text)' is not an integer from 1 to 1000")
        }
        return limit
    }

    static func json(_ value: some Encodable) throws -> Response {
        var data = try WatchJSON.encoder().encode(value)
        data.append(UInt8(ascii: "\n"))
        return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// `GET /api/v1/status`.
struct StatusDocument: Encodable {
    var generatedAt: Date
    var pools: [String: WatchEngine.PoolStatus]
    var replicas: [String: ReplicaSignals]
    var sources: [WatchEngine.SourceStatus]
    var configChanges: [ConfigChange]

    enum CodingKeys: String, CodingKey {
        case pools, sources, replicas
        case generatedAt = "generated_at"
        case configChanges = "config_changes"
    }
}

/// `GET /api/v1/incidents`.
struct IncidentList: Codable {
    var incidents: [Incident]
}
