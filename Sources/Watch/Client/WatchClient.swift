import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Watch's API from the other side: what `evenkeel incident …` uses to list, show, act on and report incidents of a
/// running Watch.
public struct WatchClient: Sendable {
    /// A person's action.
    public enum Action: String, Sendable, CaseIterable {
        case ack
        case notes
        case resolve
    }

    /// Watch's base URL, e.g. `http://127.0.0.1:9100`.
    public let baseURL: String
    /// The operator token for actions.
    public let token: String?
    let client: HTTPClient

    public init(baseURL: String, token: String?, client: HTTPClient) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.client = client
    }

    /// Runs `body` with a client of Watch at `baseURL` that has its own HTTP client, shut down afterwards.
    public static func with<T: Sendable>(
        baseURL: String, token: String?, _ body: (WatchClient) async throws -> T
    ) async throws -> T {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let result = try await body(WatchClient(baseURL: baseURL, token: token, client: http))
            try await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// Incidents, newest first; `states` filters (`open`, `acknowledged`, `resolved`).
    public func incidents(states: [Incident.State] = [], limit: Int = 50) async throws(WatchClientError) -> [Incident] {
        var path = "/api/v1/incidents?limit=\(limit)"
        if !states.isEmpty { path += "&state=" + states.map(\.rawValue).joined(separator: ",") }
        return try decode(IncidentList.self, from: try await call("GET", path)).incidents
    }

    /// The incident with `id`.
    public func incident(id: Int64) async throws(WatchClientError) -> Incident {
        try decode(Incident.self, from: try await call("GET", "/api/v1/incidents/\(id)"))
    }

    /// Acknowledges, notes or resolves incident `id`, with `text`.
    public func act(_ action: Action, id: Int64, text: String?) async throws(WatchClientError) -> Incident {
        guard let token, !token.isEmpty else {
            throw .refused(status: 401, detail: "actions need an operator token: --token or EVENKEEL_WATCH_TOKEN")
        }
        var body = Data()
        if let text {
            body = (try? JSONEncoder().encode(["text": text])) ?? Data()
        }
        let answer = try await call("POST", "/api/v1/incidents/\(id)/\(action.rawValue)", body: body, token: token)
        return try decode(Incident.self, from: answer)
    }

    /// Rolls the balancer behind incident `id` back to the configuration before its change: the incident after it,
    /// whether the balancer applied it, and its answer.
    public func rollback(id: Int64) async throws(WatchClientError) -> (incident: Incident, applied: Bool, outcome: String) {
        guard let token, !token.isEmpty else {
            throw .refused(status: 401, detail: "actions need an operator token: --token or EVENKEEL_WATCH_TOKEN")
        }
        let answer = try decode(RollbackAnswer.self, from: try await call("POST", "/api/v1/incidents/\(id)/rollback", body: Data(), token: token))
        return (answer.incident, answer.applied, answer.outcome)
    }

    /// The postmortem draft of incident `id`, as `markdown` or `json`.
    public func report(id: Int64, format: String) async throws(WatchClientError) -> String {
        String(decoding: try await call("GET", "/api/v1/incidents/\(id)/report?format=\(format)"), as: UTF8.self)
    }

    private func call(_ method: String, _ path: String, body: Data? = nil, token: String? = nil) async throws(WatchClientError) -> Data {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = HTTPMethod(rawValue: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let status: Int
        let data: Data
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            status = Int(response.status.code)
            data = Data((try await response.body.collect(upTo: 8 << 20)).readableBytesView)
        } catch {
            throw .unreachable(url: baseURL + path, reason: "\(error)")
        }
        guard (200...299).contains(status) else {
            let problem = try? JSONDecoder().decode(ProblemText.self, from: data)
            throw .refused(status: status, detail: problem?.detail ?? String(decoding: data.prefix(300), as: UTF8.self))
        }
        return data
    }

    private func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(WatchClientError) -> T {
        do {
            return try WatchJSON.decoder().decode(type, from: data)
        } catch {
            throw .malformed(reason: "\(error)")
        }
    }

    private struct ProblemText: Decodable {
        var detail: String
    }
}

/// Why a call to Watch's API failed.
public enum WatchClientError: Error, CustomStringConvertible {
    /// No answer from Watch.
    case unreachable(url: String, reason: String)
    /// Watch answered with an error status and this detail.
    case refused(status: Int, detail: String)
    /// Watch's answer was not what its API promises.
    case malformed(reason: String)

    public var description: String {
        switch self {
        case .unreachable(let url, let reason): "cannot reach Watch at \(url): \(reason)"
        case .refused(let status, let detail): "Watch refused (HTTP \(status)): \(detail)"
        case .malformed(let reason): "Watch's answer is not understood: \(reason)"
        }
    }
}
