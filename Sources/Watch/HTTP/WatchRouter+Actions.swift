import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension WatchRouter {
    /// The largest request body an action takes.
    static let maxActionBody = 16 * 1024

    /// What people do to incidents, through the API (bearer token) and the dashboard's forms (session and CSRF
    /// token), and the postmortem draft.
    static func addActions(to router: Router<BasicRequestContext>, engine: WatchEngine, store: IncidentStore, outbox: Outbox?, access: WatchAccess) {
        router.post("/api/v1/incidents/{id}/ack") { request, context in
            let person = try access.apiOperator(request)
            let body = try await actionBody(request, context: context)
            let id = try incidentID(context)
            return try json(try await perform { () async throws(IncidentActionError) in try await engine.acknowledge(id: id, by: person, text: body.text) })
        }
        router.post("/api/v1/incidents/{id}/notes") { request, context in
            let person = try access.apiOperator(request)
            let body = try await actionBody(request, context: context)
            guard let text = body.text else { throw WatchProblem(.badRequest, "a note needs 'text'") }
            let id = try incidentID(context)
            return try json(try await perform { () async throws(IncidentActionError) in try await engine.addNote(id: id, by: person, text: text) })
        }
        router.post("/api/v1/incidents/{id}/resolve") { request, context in
            let person = try access.apiOperator(request)
            let body = try await actionBody(request, context: context)
            let id = try incidentID(context)
            return try json(try await perform { () async throws(IncidentActionError) in try await engine.resolve(id: id, by: person, text: body.text) })
        }
        router.post("/api/v1/incidents/{id}/rollback") { request, context in
            let person = try access.apiOperator(request)
            let id = try incidentID(context)
            let (incident, outcome) = try await perform { () async throws(IncidentActionError) in try await engine.rollback(id: id, by: person) }
            return try json(RollbackAnswer(incident: incident, applied: outcome.applied, outcome: outcome.description))
        }
        router.post("/incidents/{id}/rollback") { request, context in
            let id = try incidentID(context)
            let form = try await formFields(request, context: context)
            let session = try await access.formSession(request, csrf: form["csrf"])
            _ = try await perform { () async throws(IncidentActionError) in try await engine.rollback(id: id, by: session.person) }
            return seeOther("/incidents/\(id)")
        }
        router.get("/api/v1/incidents/{id}/report") { request, context in
            let id = try incidentID(context)
            guard let incident = try await store.incident(id: id) else { throw WatchProblem(.notFound, "no incident \(id)") }
            let report = IncidentReport(incident: incident)
            switch request.uri.queryParameters["format"].map(String.init) ?? "markdown" {
            case "markdown":
                return Response(
                    status: .ok, headers: [.contentType: "text/markdown; charset=utf-8"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: report.markdown())))
            case "json":
                return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: try report.json())))
            case let other:
                throw WatchProblem(.badRequest, "format '\(other)' is not markdown or json")
            }
        }
        router.get("/api/v1/notifications") { request, _ in
            guard let outbox else { return try json(NotificationList(deliveries: [])) }
            let state = try request.uri.queryParameters["state"].map { text -> Outbox.Delivery.State in
                guard let state = Outbox.Delivery.State(rawValue: String(text)) else {
                    throw WatchProblem(.badRequest, "state '\(text)' is not one of pending, delivered, failed")
                }
                return state
            }
            let limit = try parseLimit(request.uri.queryParameters["limit"].map(String.init))
            return try json(NotificationList(deliveries: try await outbox.deliveries(state: state, limit: limit).map(NotificationList.Item.init)))
        }

        // The dashboard's side: a login form, an incident page, and plain HTML forms that post back to it.
        router.get("/login") { request, _ in
            html(
                LoginPage.render(
                    loggedInAs: await access.session(request)?.person.name, problem: nil, canLogIn: !access.directory.isEmpty,
                    returnPath: safeReturn(request.uri.queryParameters["return"].map(String.init))))
        }
        router.post("/login") { request, context in
            let form = try await formFields(request, context: context)
            guard let person = access.directory.find(token: form["token"] ?? "") else {
                return html(
                    LoginPage.render(
                        loggedInAs: nil, problem: "That token is not one Watch knows.", canLogIn: !access.directory.isEmpty,
                        returnPath: safeReturn(form["return"])),
                    status: .unauthorized)
            }
            let session = await access.sessions.open(for: person)
            var response = seeOther(safeReturn(form["return"]))
            response.setCookie(access.cookie(for: session))
            return response
        }
        router.post("/logout") { request, context in
            let form = try await formFields(request, context: context)
            let session = try await access.formSession(request, csrf: form["csrf"])
            await access.sessions.close(id: session.id)
            var response = seeOther("/")
            response.setCookie(access.expiredCookie())
            return response
        }
        router.get("/incidents/{id}") { request, context in
            let id = try incidentID(context)
            guard let incident = try await store.incident(id: id) else { throw WatchProblem(.notFound, "no incident \(id)") }
            let deliveries = try await outbox?.deliveries(limit: 200).filter { $0.events.contains { $0.incident.id == id } } ?? []
            return html(IncidentPage.render(incident, session: await access.session(request), deliveries: deliveries))
        }
        for action in ["ack", "notes", "resolve"] {
            router.post("/incidents/{id}/\(action)") { request, context in
                let id = try incidentID(context)
                let form = try await formFields(request, context: context)
                let session = try await access.formSession(request, csrf: form["csrf"])
                let text = form["text"].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
                _ = try await perform { () async throws(IncidentActionError) in
                    switch action {
                    case "ack": try await engine.acknowledge(id: id, by: session.person, text: text)
                    case "notes": try await engine.addNote(id: id, by: session.person, text: text ?? "")
                    default: try await engine.resolve(id: id, by: session.person, text: text)
                    }
                }
                return seeOther("/incidents/\(id)")
            }
        }
    }

    /// An action's JSON body: `{"text": "…"}`, or none.
    struct ActionBody: Decodable {
        var text: String?
    }

    static func actionBody(_ request: Request, context: BasicRequestContext) async throws -> ActionBody {
        let buffer = try await collect(request)
        guard buffer.readableBytes > 0 else { return ActionBody(text: nil) }
        do {
            return try JSONDecoder().decode(ActionBody.self, from: Data(buffer.readableBytesView))
        } catch {
            throw WatchProblem(.badRequest, "the body is not JSON of the form {\"text\": \"…\"}: \(error)")
        }
    }

    /// A form post's fields (`application/x-www-form-urlencoded`).
    static func formFields(_ request: Request, context: BasicRequestContext) async throws -> [String: String] {
        let buffer = try await collect(request)
        var fields: [String: String] = [:]
        for pair in String(buffer: buffer).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String { String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            guard let name = parts.first else { continue }
            fields[decode(name)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    static func collect(_ request: Request) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: maxActionBody)
        } catch {
            throw WatchProblem(.contentTooLarge, "the body is larger than \(maxActionBody) bytes")
        }
    }

    static func incidentID(_ context: BasicRequestContext) throws -> Int64 {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), id > 0 else { throw WatchProblem(.badRequest, "incident id '\(text)' is not a positive integer") }
        return id
    }

    /// Runs an action, answering its refusal as a problem: 404 for a missing incident, 409 for one in the wrong
    /// state, 400 for a bad note, 503 when the store fails.
    static func perform<Result>(_ action: () async throws(IncidentActionError) -> Result) async throws -> Result {
        do {
            return try await action()
        } catch {
            switch error {
            case .notFound: throw WatchProblem(.notFound, error.description)
            case .alreadyResolved, .alreadyAcknowledged, .cannotRollBack: throw WatchProblem(.conflict, error.description)
            case .emptyNote, .noteTooLong: throw WatchProblem(.badRequest, error.description)
            case .storage: throw WatchProblem(.serviceUnavailable, error.description)
            }
        }
    }

    /// Only a path on this site is a place to return to after login.
    static func safeReturn(_ path: String?) -> String {
        guard let path, path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\") else { return "/" }
        return path
    }

    /// 303: after a form post, the browser fetches `path` with GET.
    static func seeOther(_ path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path])
    }

    static func html(_ page: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }
}

/// `POST /api/v1/incidents/{id}/rollback`: the incident after it, and what the balancer said.
struct RollbackAnswer: Codable {
    var incident: Incident
    /// Whether the balancer now serves the configuration before the change.
    var applied: Bool
    /// The balancer's answer in one line.
    var outcome: String
}

/// `GET /api/v1/notifications`: the outbox, newest first.
struct NotificationList: Codable {
    struct Item: Codable {
        var id: Int64
        var receiver: String
        var groupKey: String
        var idempotencyKey: String
        var incidents: [Int64]
        var kinds: [String]
        var state: String
        var attempts: Int
        var createdAt: Date
        var dueAt: Date
        var deliveredAt: Date?
        var lastError: String?

        init(_ d: Outbox.Delivery) {
            id = d.id
            receiver = d.receiver
            groupKey = d.groupKey
            idempotencyKey = d.idempotencyKey
            incidents = d.events.map(\.incident.id)
            kinds = d.events.map(\.kind.rawValue)
            state = d.state.rawValue
            attempts = d.attempts
            createdAt = d.createdAt
            dueAt = d.dueAt
            deliveredAt = d.deliveredAt
            lastError = d.lastError
        }

        enum CodingKeys: String, CodingKey {
            case id, receiver, incidents, kinds, state, attempts
            case groupKey = "group_key"
            case idempotencyKey = "idempotency_key"
            case createdAt = "created_at"
            case dueAt = "due_at"
            case deliveredAt = "delivered_at"
            case lastError = "last_error"
        }
    }

    var deliveries: [Item]
}
