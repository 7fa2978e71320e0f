import AsyncHTTPClient
import Foundation
import Logging

/// `evenkeel watch test-notify`: one test notification to every receiver of a `--notify` file, sent at once and not
/// through the outbox, with each receiver's answer, so a route is proven before it is needed.
public enum TestNotification {
    /// One receiver's answer.
    public struct Result: Sendable, Equatable {
        public var receiver: String
        public var kind: ReceiverSettings.Kind
        public var audience: Audience
        /// The HTTP status, nil when there was no answer.
        public var status: Int?
        /// Why it failed; nil when the receiver took it.
        public var problem: String?

        /// Whether the receiver took it.
        public var ok: Bool { problem == nil }
    }

    /// The incident a test notification is about: id 0, pool `test`, marked as a test in every word.
    public static func incident(at now: Date) -> Incident {
        Incident(
            id: 0, diagnosis: .configSkew, severity: .info, pool: "test", backends: [], openedAt: now,
            summary: "Test notification from Evenkeel Watch: if you read this, the route to this receiver works. Nothing is wrong.",
            evidence: [], configChange: nil, timeline: [])
    }

    /// Sends the test to every receiver in `settings` through a client of its own.
    public static func send(_ settings: NotifySettings, linkBase: String) async -> [Result] {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let results = await send(settings, linkBase: linkBase, client: client)
        try? await client.shutdown()
        return results
    }

    /// Sends the test to every receiver in `settings` through `client`.
    public static func send(_ settings: NotifySettings, linkBase: String, client: HTTPClient, now: Date = Date()) async -> [Result] {
        let event = NotificationEvent(kind: .test, at: now, incident: incident(at: now), watchURL: linkBase)
        let delivery = NotificationDelivery(
            settings: settings, outbox: nil, client: client, tracker: nil, metrics: WatchMetrics(), logger: Logger(label: "evenkeel.watch.test"))
        return await withTaskGroup(of: Result.self) { group in
            for receiver in settings.receivers {
                group.addTask {
                    var result = Result(receiver: receiver.name, kind: receiver.kind, audience: receiver.audience, status: nil, problem: nil)
                    do {
                        let request = try ReceiverPayload.request(
                            for: [event], to: receiver, groupKey: "{test}", idempotencyKey: "test-\(UUID().uuidString.lowercased())", now: now)
                        switch await delivery.send(request, timeout: receiver.timeout) {
                        case .status(let code, _):
                            result.status = code
                            if !(200...299).contains(code) { result.problem = "HTTP \(code)" }
                        case .transportError(let reason):
                            result.problem = reason
                        }
                    } catch {
                        result.problem = "cannot build the request: \(error)"
                    }
                    return result
                }
            }
            var results: [Result] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.receiver < $1.receiver }
        }
    }
}
