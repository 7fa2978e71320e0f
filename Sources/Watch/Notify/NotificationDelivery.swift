import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Takes notifications from the outbox to their receivers: each receiver's in order, retried by the
/// ``RetryPolicy``, and recorded — delivered, retrying or given up — in the outbox, in Watch's metrics, and in the
/// incident's timeline.
public final class NotificationDelivery: Sendable {
    let settings: NotifySettings
    let outbox: Outbox?
    let client: HTTPClient
    let tracker: IncidentTracker?
    let metrics: WatchMetrics
    let policy: RetryPolicy
    let logger: Logger

    /// Delivery of `outbox` to the receivers of `settings` through `client`; `tracker` takes timeline entries.
    public init(
        settings: NotifySettings, outbox: Outbox?, client: HTTPClient, tracker: IncidentTracker?, metrics: WatchMetrics,
        policy: RetryPolicy = RetryPolicy(), logger: Logger
    ) {
        self.settings = settings
        self.outbox = outbox
        self.client = client
        self.tracker = tracker
        self.metrics = metrics
        self.policy = policy
        self.logger = logger
    }

    /// Delivers until cancelled: what is due now, then waits until the next is due, looking again at least every
    /// fifth of a second for new ones (an indexed query, cheap next to a notification's own latency). Pending
    /// deliveries left by an earlier run go first.
    public func run() async {
        guard let outbox else { return }
        while !Task.isCancelled {
            await deliverDue(at: Date())
            let next = (try? await outbox.nextDue()) ?? nil
            let wait = min(max(next.map { $0.timeIntervalSinceNow } ?? 1, 0.02), 0.2)
            try? await Task.sleep(for: .milliseconds(Int(wait * 1000)))
        }
    }

    /// Attempts every delivery due at `now`, receivers side by side.
    public func deliverDue(at now: Date) async {
        guard let outbox else { return }
        let due: [Outbox.Delivery]
        do {
            due = try await outbox.due(at: now)
        } catch {
            logger.error("could not read the notification outbox: \(error)")
            return
        }
        await withTaskGroup(of: Void.self) { group in
            for delivery in due { group.addTask { await self.attempt(delivery) } }
        }
        if let counts = try? await outbox.counts() {
            metrics.notificationsPending.set(counts[.pending] ?? 0)
        }
    }

    private func attempt(_ delivery: Outbox.Delivery) async {
        guard let outbox else { return }
        guard let receiver = settings.receiver(named: delivery.receiver) else {
            try? await outbox.markFailed(delivery.id, error: "receiver \(delivery.receiver) is no longer configured", retryAt: nil)
            return
        }
        let outcome: RetryPolicy.Outcome
        do {
            let request = try ReceiverPayload.request(
                for: delivery.events, to: receiver, groupKey: delivery.groupKey, idempotencyKey: delivery.idempotencyKey, now: Date())
            outcome = await send(request, timeout: receiver.timeout)
        } catch {
            try? await outbox.markFailed(delivery.id, error: "cannot build the request: \(error)", retryAt: nil)
            metrics.notification(receiver: receiver.name, result: "failed")
            return
        }
        let now = Date()
        do {
            if case .status(let code, _) = outcome, (200...299).contains(code) {
                try await outbox.markDelivered(delivery.id, at: now)
                metrics.notification(receiver: receiver.name, result: "delivered")
                await record(delivery, receiver: receiver, kind: "notified", text: "Notified \(receiver.name) (\(receiver.audience.rawValue))", at: now)
                return
            }
            let reason = Self.describe(outcome)
            let retryAt = policy.retryAt(after: delivery.attempts + 1, outcome: outcome, createdAt: delivery.createdAt, now: now)
            try await outbox.markFailed(delivery.id, error: reason, retryAt: retryAt)
            if delivery.attempts == 0 || retryAt == nil {
                logger.warning(
                    "notification not delivered",
                    metadata: ["receiver": "\(receiver.name)", "error": "\(reason)", "retry": "\(retryAt.map { "\($0)" } ?? "no")"])
            }
            if retryAt != nil {
                metrics.notification(receiver: receiver.name, result: "retrying")
            } else {
                metrics.notification(receiver: receiver.name, result: "failed")
                await record(delivery, receiver: receiver, kind: "notify_failed", text: "Could not notify \(receiver.name): \(reason)", at: now)
            }
        } catch {
            logger.error("could not record a notification's delivery: \(error)")
        }
    }

    /// Puts a delivery's outcome in the timelines of the incidents it was about (reminders only when they fail).
    private func record(_ delivery: Outbox.Delivery, receiver: ReceiverSettings, kind: String, text: String, at now: Date) async {
        guard let tracker else { return }
        for event in delivery.events where event.kind != .test && (event.kind != .reminder || kind == "notify_failed") {
            try? await tracker.append(TimelineEntry(at: now, kind: kind, text: "\(text): \(event.kind.rawValue)."), to: event.incident.id)
        }
    }

    /// One HTTP attempt.
    func send(_ request: OutboundRequest, timeout: Duration) async -> RetryPolicy.Outcome {
        var outbound = HTTPClientRequest(url: request.url)
        outbound.method = HTTPMethod(rawValue: request.method)
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) { outbound.headers.add(name: name, value: value) }
        outbound.body = .bytes(ByteBuffer(bytes: request.body))
        do {
            let response = try await client.execute(outbound, timeout: .nanoseconds(Int64(timeout.seconds * 1e9)))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return .status(Int(response.status.code), retryAfter: response.headers.first(name: "Retry-After"))
        } catch {
            return .transportError("\(error)")
        }
    }

    static func describe(_ outcome: RetryPolicy.Outcome) -> String {
        switch outcome {
        case .status(let code, let retryAfter): "HTTP \(code)" + (retryAfter.map { " (Retry-After: \($0))" } ?? "")
        case .transportError(let reason): reason
        }
    }
}
