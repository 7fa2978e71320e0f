import Foundation
import Logging

/// Decides who is told what about incidents: routes each opening, escalation, resolution and person's action to
/// receivers, reminds while an incident stays open, and puts every notification in the outbox, where
/// ``NotificationDelivery`` takes it from.
public actor Notifier {
    /// The routes and receivers.
    public let settings: NotifySettings
    let outbox: Outbox
    let linkBase: String
    let logger: Logger
    /// When each incident was last put in the outbox for each receiver, for reminders.
    private var lastQueued: [String: Date] = [:]

    /// A notifier queueing into `outbox`; `linkBase` is Watch's address for links in messages.
    public init(settings: NotifySettings, outbox: Outbox, linkBase: String, logger: Logger) {
        self.settings = settings
        self.outbox = outbox
        self.linkBase = linkBase
        self.logger = logger
    }

    /// Tells people of a change the tracker made: openings, escalations and resolutions (evidence that merely moved
    /// is not news).
    public func handle(_ change: IncidentChange, at now: Date) async {
        let kind: NotificationEvent.Kind
        switch change.kind {
        case .opened: kind = .opened
        case .escalated: kind = .escalated
        case .resolved: kind = .resolved
        case .updated: return
        }
        await queue(NotificationEvent(kind: kind, at: now, incident: change.incident, watchURL: linkBase), at: now)
    }

    /// Tells people of what `person` did to `incident`: the other team's chat receivers, and every receiver that
    /// keeps alert state (Alertmanager, PagerDuty).
    /// A nil `person` is Watch itself (an automatic rollback), told to everyone.
    public func handleAction(_ kind: NotificationEvent.Kind, incident: Incident, by person: Operator?, text: String?, at now: Date) async {
        let event = NotificationEvent(kind: kind, at: now, incident: incident, actor: person?.name, actorTeam: person?.team, text: text, watchURL: linkBase)
        await queue(event, at: now)
    }

    /// Reminds of incidents still open after their routes' repeat interval; Alertmanager's alerts are refreshed
    /// every minute so they do not expire while the incident lasts.
    public func remind(active: [Incident], at now: Date) async {
        for incident in active {
            for route in settings.routes(for: incident) {
                for name in route.receivers {
                    guard let receiver = settings.receiver(named: name) else { continue }
                    let key = Self.key(incident.id, name)
                    guard let last = lastQueued[key] else {
                        // Taken up after a restart: the clock starts now.
                        lastQueued[key] = now
                        continue
                    }
                    let every = receiver.kind == .alertmanager ? min(route.repeatInterval, Self.alertmanagerRefresh) : route.repeatInterval
                    guard now.timeIntervalSince(last) >= every.seconds else { continue }
                    let event = NotificationEvent(kind: .reminder, at: now, incident: incident, watchURL: linkBase)
                    await put(event, receiver: receiver, route: route, at: now)
                }
            }
        }
    }

    /// How often an open incident's alert is pushed to Alertmanager again (its `endsAt` is five minutes ahead).
    static let alertmanagerRefresh: Duration = .seconds(60)

    private func queue(_ event: NotificationEvent, at now: Date) async {
        var told = Set<String>()
        for route in settings.routes(for: event.incident) {
            for name in route.receivers where !told.contains(name) {
                guard let receiver = settings.receiver(named: name) else { continue }
                told.insert(name)
                if event.kind == .resolved && event.actor == nil && !route.sendResolved { continue }
                // A person's action is news to the other team; the acting team's own chat already knows it. A rollback
                // changes what both teams see, so both are told.
                if event.kind != .rollback, let team = event.actorTeam, team == receiver.audience, receiver.kind == .webhook || receiver.kind == .slack {
                    continue
                }
                await put(event, receiver: receiver, route: route, at: now)
            }
        }
        if event.incident.state == .resolved {
            lastQueued = lastQueued.filter { !$0.key.hasPrefix("\(event.incident.id) ") }
        }
    }

    private func put(_ event: NotificationEvent, receiver: ReceiverSettings, route: NotifyRoute, at now: Date) async {
        // PagerDuty takes one event per request; the others take a group's alerts together.
        let joinable = receiver.kind != .pagerduty
        let groupKey = receiver.kind == .pagerduty ? "{incident=\(event.incident.id)}" : route.groupKey(of: event.incident)
        let due = event.kind == .opened ? now.addingTimeInterval(route.groupWait.seconds) : now
        do {
            try await outbox.enqueue(event, receiver: receiver.name, groupKey: groupKey, dueAt: due, joinable: joinable, now: now)
            lastQueued[Self.key(event.incident.id, receiver.name)] = now
        } catch {
            logger.error("could not store a notification", metadata: ["receiver": "\(receiver.name)", "incident": "\(event.incident.id)", "error": "\(error)"])
        }
    }

    private static func key(_ id: Int64, _ receiver: String) -> String { "\(id) \(receiver)" }
}
