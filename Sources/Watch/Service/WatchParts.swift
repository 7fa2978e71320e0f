import AsyncHTTPClient
import Logging

/// A Watch put together over one incident store: the tracker, the engine, and — with notification routes — the
/// outbox and its delivery. `WatchService`, drills and tests build their Watch this one way.
public struct WatchParts: Sendable {
    public let tracker: IncidentTracker
    public let engine: WatchEngine
    public let metrics: WatchMetrics
    /// The outbox and its delivery loop; nil without notification routes.
    public let outbox: Outbox?
    public let delivery: NotificationDelivery?

    /// Wires a Watch reading `sources` into `store`, telling people by `notify`, and rolling balancers back through
    /// `client` with the admin token in `settings`.
    public static func assemble(
        settings: WatchSettings, store: IncidentStore, sources: [any TrafficSource], client: HTTPClient, notify: NotifySettings?,
        retry: RetryPolicy = RetryPolicy(), logger: Logger
    ) async throws -> WatchParts {
        let tracker = try await IncidentTracker(store: store, confirmations: settings.confirmations, resolveAfter: settings.resolveAfter)
        let metrics = WatchMetrics()
        var outbox: Outbox?
        var notifier: Notifier?
        var delivery: NotificationDelivery?
        if let notify {
            let box = try Outbox(store: store)
            outbox = box
            notifier = Notifier(settings: notify, outbox: box, linkBase: settings.linkBase, logger: logger)
            delivery = NotificationDelivery(settings: notify, outbox: box, client: client, tracker: tracker, metrics: metrics, policy: retry, logger: logger)
        }
        let engine = WatchEngine(
            settings: settings, sources: sources, tracker: tracker, metrics: metrics, notifier: notifier,
            rollbacks: BalancerRollback(client: client, tokenFile: settings.adminTokenFile), logger: logger)
        return WatchParts(tracker: tracker, engine: engine, metrics: metrics, outbox: outbox, delivery: delivery)
    }
}
