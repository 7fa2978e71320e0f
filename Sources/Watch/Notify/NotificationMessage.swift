import Foundation

/// What one notification says, in the words of the team that reads it.
///
/// The network operations centre is told what users feel, whether this is an attack and why in numbers, and who is
/// on it — the question it got wrong in the outage that started Evenkeel, where a balancer's misconfiguration was
/// taken for a DDoS. Engineering is told the evidence, the configuration change with its diff, the runbook and the
/// commands to run. Titles stay short enough for a pager.
public struct NotificationMessage: Sendable, Equatable {
    /// One line that says what happened (at most ``maxTitleLength`` characters).
    public var title: String
    /// The body, one line each; a notification about several incidents has a block per incident, blank-separated.
    public var lines: [String]

    /// The longest title: a pager's or a phone's lock screen.
    public static let maxTitleLength = 120

    /// Creates a message.
    public init(title: String, lines: [String]) {
        self.title = title
        self.lines = lines
    }

    /// The body alone, for receivers that show the title apart (an annotation, a Slack header).
    public var body: String { lines.joined(separator: "\n") }

    /// The whole message as plain text: the title, then the body.
    public var text: String { lines.isEmpty ? title : title + "\n" + body }

    /// The message about `events` for `audience`: one event says its incident's story; several make one group
    /// notification whose title sums them up and whose body has a block per incident.
    public static func compose(_ events: [NotificationEvent], for audience: Audience) -> NotificationMessage {
        guard let first = events.first else {
            return NotificationMessage(title: "Evenkeel Watch: nothing to report", lines: [])
        }
        if events.count == 1 {
            return NotificationMessage(
                title: NotificationWords.clip(eventTitle(first, for: audience), maxTitleLength), lines: eventLines(first, for: audience))
        }
        var body: [String] = []
        for event in events {
            if !body.isEmpty { body.append("") }
            body.append(heading(event))
            body.append(contentsOf: eventLines(event, for: audience))
        }
        return NotificationMessage(title: NotificationWords.clip(groupTitle(events), maxTitleLength), lines: body)
    }
}

// MARK: - Titles

extension NotificationMessage {
    /// The title of a notification about one event.
    static func eventTitle(_ event: NotificationEvent, for audience: Audience) -> String {
        let incident = event.incident
        let subject = "#\(incident.id) \(incident.pool): \(incident.diagnosis.title)"
        let severity = "[\(incident.severity.rawValue.uppercased())]"
        // The NOC's first question, answered where it looks first.
        let verdict = audience == .noc ? (notAnAttack(incident.diagnosis) ? " (not an attack)" : "") : ""
        switch event.kind {
        case .opened:
            return "\(severity) \(subject)\(verdict)"
        case .escalated:
            return "\(severity) Escalated \(subject)\(verdict)"
        case .reminder:
            return "\(severity) Still open after \(NotificationWords.duration(event.at.timeIntervalSince(incident.openedAt))) \(subject)"
        case .acknowledged:
            return "[ACK] \(subject), acknowledged by \(event.actor ?? incident.acknowledgedBy ?? "someone")"
        case .note:
            return "[NOTE] \(subject), note by \(event.actor ?? "someone")"
        case .rollback:
            return "[ROLLBACK] \(subject), rolled back " + (event.actor.map { "by \($0)" } ?? "automatically")
        case .resolved:
            let end = incident.resolvedAt ?? event.at
            return "[RESOLVED] \(subject), after \(NotificationWords.duration(end.timeIntervalSince(incident.openedAt)))"
        case .test:
            return "[TEST] Test notification from Evenkeel Watch"
        }
    }

    /// The title of a group: the worst severity still open, how many incidents in which pools, and what happened.
    static func groupTitle(_ events: [NotificationEvent]) -> String {
        let active = events.filter { !$0.isResolved && $0.kind != .test }
        let tag = active.isEmpty
            ? (events.allSatisfy({ $0.kind == .test }) ? "TEST" : "RESOLVED")
            : (active.map(\.incident.severity).max() ?? .info).rawValue.uppercased()
        var pools: [String] = []
        for event in events where !pools.contains(event.incident.pool) { pools.append(event.incident.pool) }
        let kinds = NotificationEvent.Kind.allCases.compactMap { kind -> String? in
            let n = events.filter { $0.kind == kind }.count
            return n == 0 ? nil : "\(n) \(kind.rawValue)"
        }
        return "[\(tag)] \(events.count) incidents in \(pools.joined(separator: ", ")): \(kinds.joined(separator: ", "))"
    }

    /// The first line of an incident's block in a group.
    static func heading(_ event: NotificationEvent) -> String {
        if event.kind == .test { return "Test" }
        let incident = event.incident
        return "#\(incident.id) \(incident.pool): \(incident.diagnosis.title) (\(event.kind.rawValue), \(incident.severity.rawValue))"
    }

    /// Whether the diagnosis rules an attack out.
    static func notAnAttack(_ diagnosis: Diagnosis) -> Bool {
        switch diagnosis {
        case .configSkew, .trafficSurge, .backendDegraded, .backendErrors, .backendDown, .sharedSlowdown: true
        case .attackSuspected, .targetUnreachable: false
        }
    }
}

// MARK: - Bodies

extension NotificationMessage {
    /// The lines about one event.
    static func eventLines(_ event: NotificationEvent, for audience: Audience) -> [String] {
        let incident = event.incident
        let words = NotificationWords.self
        switch event.kind {
        case .test:
            var lines = ["Test notification from Evenkeel Watch: this route works.", "Sent at \(words.stamp(event.at)) by \(words.base(event.watchURL))."]
            if let text = event.text, !text.isEmpty { lines.append(text) }
            return lines
        case .opened:
            return audience == .noc ? nocStatus(event) : engineeringStatus(event)
        case .escalated:
            let first = "Escalated at \(words.clock(event.at)): \(incident.diagnosis.title), severity \(incident.severity.rawValue)."
            return [first] + (audience == .noc ? nocStatus(event) : engineeringStatus(event))
        case .reminder:
            let first = "Still open after \(words.duration(event.at.timeIntervalSince(incident.openedAt)))."
            return [first] + (audience == .noc ? nocStatus(event) : engineeringStatus(event))
        case .acknowledged:
            let first = "\(actorName(event)) acknowledged at \(words.clock(event.at))" + said(event)
            return [first] + (audience == .noc ? nocBrief(event) : engineeringBrief(event))
        case .note:
            let first = "\(actorName(event)) noted at \(words.clock(event.at))" + said(event)
            return [first] + (audience == .noc ? nocBrief(event) : engineeringBrief(event))
        case .rollback:
            let who = event.actor == nil ? "Watch rolled the load balancer back by itself (auto_rollback)" : "\(actorName(event)) rolled the load balancer back"
            let what = audience == .noc
                ? "to its settings before the change that skewed traffic"
                : "to configuration \(incident.configChange?.previousHash ?? "?") (before the change at \(incident.configChange.map { words.clock($0.at) } ?? "?"))"
            return ["\(who) at \(words.clock(event.at)) \(what)" + said(event)] + (audience == .noc ? nocBrief(event) : engineeringBrief(event))
        case .resolved:
            let end = incident.resolvedAt ?? event.at
            let by = incident.resolvedBy ?? event.actor
            let how = by.map { "resolved by \($0)" } ?? "its signals are back to normal"
            let first = "Resolved at \(words.clock(end)) (\(words.day(end))) after \(words.duration(end.timeIntervalSince(incident.openedAt))): \(how)"
                + said(event)
            return [first] + (audience == .noc ? nocResolved(event) : engineeringResolved(event))
        }
    }

    /// `engineering (alice)`, `alice`, or `someone`.
    static func actorName(_ event: NotificationEvent) -> String {
        switch (event.actorTeam, event.actor) {
        case (let team?, let name?): "\(team.rawValue) (\(name))"
        case (nil, let name?): name
        case (let team?, nil): team.rawValue
        case (nil, nil): "someone"
        }
    }

    /// `: what they said` ending the line, or just the full stop.
    static func said(_ event: NotificationEvent) -> String {
        guard let text = event.text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return "." }
        return ": \(text)"
    }
}

// MARK: - The NOC's words

extension NotificationMessage {
    /// What users feel, whether it is an attack, who is on it, and where to look.
    static func nocStatus(_ event: NotificationEvent) -> [String] {
        let incident = event.incident
        return [
            "Pool \(incident.pool), since \(NotificationWords.stamp(incident.openedAt)).",
            usersNow(incident),
            attackVerdict(incident),
            whoIsOnIt(incident),
            links(event),
        ]
    }

    /// After a person acted: still what users feel and why, without repeating who is on it.
    static func nocBrief(_ event: NotificationEvent) -> [String] {
        [usersNow(event.incident), attackVerdict(event.incident), links(event)]
    }

    static func nocResolved(_ event: NotificationEvent) -> [String] {
        [usersDuring(event.incident), "Cause: " + attackVerdict(event.incident), links(event)]
    }

    /// The pool's tail latency and errors now, against usual: the pool-wide evidence, else the averages measured
    /// while the incident lasted; usual levels from the evidence's baseline, else the impact's `before`.
    static func usersNow(_ incident: Incident) -> String {
        let words = NotificationWords.self
        if incident.diagnosis == .targetUnreachable {
            return "Users: unknown. Watch cannot read \(incident.pool), so it cannot see what users feel."
        }
        let measured = incident.impact.flatMap { impact -> Impact.Levels? in impact.seconds > 0 ? impact.during : nil }
        let p99Evidence = words.poolEvidence("p99_ms", in: incident)
        let errorEvidence = words.poolEvidence("error_ratio", in: incident)
        let p99 = p99Evidence?.value ?? measured?.p99
        let usualP99 = p99Evidence?.baseline ?? incident.impact?.before?.p99
        let errors = errorEvidence?.value ?? measured?.errorRatio
        let usualErrors = errorEvidence?.baseline ?? incident.impact?.before?.errorRatio

        let slowText = p99.map { "1 in 100 requests takes over \(words.ms($0))" + (usualP99.map { " (usually \(words.ms($0)))" } ?? "") }
        let slow = p99.map { isSlow($0, usual: usualP99) } ?? false
        if let errors, errors >= 0.01 {
            var text = "Users: pages are failing for about \(words.percent(errors)) of requests"
                + (usualErrors.map { " (usually \(words.percent($0)))" } ?? "")
            if slow, let slowText { text += "; pages are slow too: \(slowText)" }
            return text + "."
        }
        let errorsText = errors.map { "; errors \(words.percent($0))" } ?? ""
        if let slowText {
            return slow ? "Users: pages are slow: \(slowText)\(errorsText)." : "Users: no visible effect yet: \(slowText)\(errorsText)."
        }
        return "Users: effect not measured yet."
    }

    /// Slow enough for people to notice: half as slow again as usual and 50 ms more, or a second without a baseline.
    static func isSlow(_ p99: Double, usual: Double?) -> Bool {
        guard let usual, usual > 0 else { return p99 >= 1000 }
        return p99 >= 1.5 * usual && p99 - usual >= 50
    }

    /// What the incident did to users, from its impact.
    static func usersDuring(_ incident: Incident) -> String {
        let words = NotificationWords.self
        guard let impact = incident.impact, impact.seconds > 0 else { return "Users: effect not measured." }
        var parts: [String] = []
        if impact.failedRequests >= 1 {
            let share = impact.requests > 0 ? impact.failedRequests / impact.requests : 0
            parts.append("about \(words.percent(share)) of requests failed (\(words.count(impact.failedRequests)) of \(words.count(impact.requests)))")
        } else {
            parts.append("no requests failed (\(words.count(impact.requests)) served)")
        }
        let usual = impact.before.map { " (usually \(words.ms($0.p99)))" } ?? ""
        parts.append("at worst 1 in 100 requests took over \(words.ms(impact.peakP99))\(usual)")
        return "Users: " + parts.joined(separator: "; ") + "."
    }

    /// Total volume against baseline: the pool's `rate` evidence, else the impact's average against `before`.
    static func volume(_ incident: Incident) -> (now: Double, usual: Double)? {
        if let rate = NotificationWords.poolEvidence("rate", in: incident), let usual = rate.baseline, usual > 0 {
            return (rate.value, usual)
        }
        if let impact = incident.impact, impact.seconds > 0, let before = impact.before, before.rate > 0 {
            return (impact.during.rate, before.rate)
        }
        return nil
    }

    /// Attack or not, and why, in numbers: volume against usual, how concentrated the clients are, and what else
    /// explains it.
    static func attackVerdict(_ incident: Incident) -> String {
        let words = NotificationWords.self
        let volumeText = volume(incident).map { v in
            "volume is \(words.times(v.now, usual: v.usual)) usual (\(words.rate(v.now)), usually \(words.count(v.usual)))"
        }
        let clients = words.poolEvidence("top_clients_share", in: incident)
        let manyClients = clients.map { " from many clients (the heaviest few send \(words.percent($0.value)))" } ?? ""
        let atVolume = volumeText.map { "; \($0)" } ?? ""
        let servers = incident.backends.isEmpty
            ? "one server"
            : (incident.backends.count == 1 ? "server \(incident.backends[0])" : "servers \(incident.backends.joined(separator: ", "))")
        let verb = incident.backends.count > 1 ? "are" : "is"
        switch incident.diagnosis {
        case .attackSuspected:
            var reasons: [String] = []
            if let volumeText { reasons.append(volumeText) }
            if let clients {
                reasons.append(
                    "\(words.percent(clients.value)) of it comes from a few clients"
                        + (clients.baseline.map { " (usually \(words.percent($0)))" } ?? ""))
            }
            let why = reasons.isEmpty ? "more traffic than usual from few sources" : reasons.joined(separator: " and ")
            return "Likely an attack: \(why). The load balancer shares it as configured; the heaviest clients are on the incident page."
        case .trafficSurge:
            let surge = volumeText ?? "volume is above usual"
            if clients != nil {
                return "Not an attack: \(surge)\(manyClients): more real users, shared evenly by the load balancer."
            }
            return "Probably not an attack: \(surge), shared evenly by the load balancer; Watch cannot see which clients send it."
        case .configSkew:
            let spread = words.heaviestShare(in: incident).map { e in
                ": server \(e.backend ?? "?") gets \(words.percent(e.value)) of requests"
                    + (e.baseline.map { " (\(words.percent($0)) expected)" } ?? "")
            } ?? ""
            let volumePart = volumeText.map { "\($0)\(manyClients); " } ?? ""
            return "Not an attack: \(volumePart)traffic is unevenly spread by the load balancer's settings\(spread). "
                + "DDoS protection will not help; the fix is in the balancer's configuration."
        case .backendDown:
            return "Not an attack: \(servers) \(verb) down and out of rotation\(atVolume)."
        case .backendErrors:
            return "Not an attack: \(servers) \(verb) failing requests while the others are fine\(atVolume)."
        case .backendDegraded:
            return "Not an attack: \(servers) \(verb) slow while the others are fine\(atVolume)."
        case .sharedSlowdown:
            return "Not an attack: every server is slower at once\(atVolume); the likely cause is something they share, such as the database."
        case .targetUnreachable:
            return "Unknown: Watch cannot read this source, which says nothing either way about an attack; engineering is fixing the monitoring."
        }
    }

    /// Who is working on it.
    static func whoIsOnIt(_ incident: Incident) -> String {
        if let by = incident.acknowledgedBy {
            return "Acknowledged by \(by)" + (incident.acknowledgedAt.map { " at \(NotificationWords.clock($0))" } ?? "") + "; they are working on it."
        }
        return "Engineering has been notified; nobody has acknowledged yet."
    }

    static func links(_ event: NotificationEvent) -> String {
        "Incident: \(NotificationWords.incidentURL(event)) · dashboard: \(NotificationWords.dashboardURL(event))"
    }
}

// MARK: - Engineering's words

extension NotificationMessage {
    /// The pool and backends, the summary, every evidence line, the configuration change, the impact so far, who
    /// has it, the runbook and the commands.
    static func engineeringStatus(_ event: NotificationEvent) -> [String] {
        let incident = event.incident
        var lines = [scope(incident)]
        if !incident.summary.isEmpty { lines.append(incident.summary) }
        if !incident.evidence.isEmpty {
            lines.append("Evidence:")
            lines.append(contentsOf: incident.evidence.map(evidenceLine))
        }
        if let change = incident.configChange { lines.append(changeLine(change)) }
        if let impact = incident.impact, let line = impactLine(impact, label: "Impact so far") { lines.append(line) }
        if let by = incident.acknowledgedBy {
            lines.append("Acknowledged by \(by)" + (incident.acknowledgedAt.map { " at \(NotificationWords.clock($0))" } ?? "") + ".")
        } else {
            lines.append("Not acknowledged yet.")
        }
        lines.append("Runbook: \(incident.diagnosis.runbook)")
        lines.append(contentsOf: commands(event))
        return lines
    }

    /// After a person acted: where it stands, the runbook and the commands.
    static func engineeringBrief(_ event: NotificationEvent) -> [String] {
        [scope(event.incident), "Runbook: \(event.incident.diagnosis.runbook)"] + commands(event)
    }

    static func engineeringResolved(_ event: NotificationEvent) -> [String] {
        let incident = event.incident
        var lines = [scope(incident)]
        if let impact = incident.impact, let line = impactLine(impact, label: "Impact") { lines.append(line) }
        if let change = incident.configChange { lines.append(changeLine(change)) }
        lines.append("Runbook: \(incident.diagnosis.runbook)")
        lines.append(contentsOf: commands(event))
        return lines
    }

    /// `Pool jobboard · backends b1 · severity page · since 2023-11-10 14:00:00 UTC`.
    static func scope(_ incident: Incident) -> String {
        let backends = incident.backends.isEmpty ? "" : " · backends \(incident.backends.joined(separator: ", "))"
        return "Pool \(incident.pool)\(backends) · severity \(incident.severity.rawValue) · since \(NotificationWords.stamp(incident.openedAt))"
    }

    /// `- observed_share b1: 92% (vs 33%)`.
    static func evidenceLine(_ evidence: Evidence) -> String {
        let words = NotificationWords.self
        let target = evidence.backend.map { " \($0)" } ?? " (pool)"
        let baseline = evidence.baseline.map { " (vs \(words.value($0, signal: evidence.signal)))" } ?? ""
        return "- \(evidence.signal)\(target): \(words.value(evidence.value, signal: evidence.signal))\(baseline)"
    }

    /// The change with its diff (and ConfigCheck's findings, which the diff carries when there were any).
    static func changeLine(_ change: ConfigChange) -> String {
        let hash = change.hash.map { " (hash \($0))" } ?? ""
        return "Config change at \(NotificationWords.stamp(change.at)) from \(change.source): \(change.diff)\(hash)"
    }

    static func impactLine(_ impact: Impact, label: String) -> String? {
        let words = NotificationWords.self
        guard impact.seconds > 0 else { return nil }
        let before = impact.before
        var parts = ["\(words.count(impact.requests)) requests, \(words.count(impact.failedRequests)) failed"]
        parts.append("peak p99 \(words.ms(impact.peakP99))" + (before.map { " (usual \(words.ms($0.p99)))" } ?? ""))
        parts.append("peak error ratio \(words.percent(impact.peakErrorRatio))" + (before.map { " (usual \(words.percent($0.errorRatio)))" } ?? ""))
        parts.append("peak rate \(words.rate(impact.peakRate))" + (before.map { " (usual \(words.count($0.rate)))" } ?? ""))
        if let backend = impact.peakShareBackend {
            parts.append("peak share \(backend) \(words.percent(impact.peakShare)) (expected \(words.percent(impact.peakShareExpected)))")
        }
        return "\(label) over \(words.duration(impact.seconds)): " + parts.joined(separator: "; ")
    }

    /// What to run: show, acknowledge while nobody has, and look at the configuration change — `evenkeel check` for
    /// a file, the balancer's reload events (with their diffs) for an admin URL.
    static func commands(_ event: NotificationEvent) -> [String] {
        let words = NotificationWords.self
        let incident = event.incident
        let watch = words.shellWord(words.base(event.watchURL))
        var commands = ["evenkeel incident show \(incident.id) --watch \(watch)"]
        if incident.acknowledgedBy == nil, incident.state == .open, !event.isResolved, event.kind != .acknowledged {
            commands.append("evenkeel incident ack \(incident.id) --watch \(watch)")
        }
        if let change = incident.configChange {
            if change.source.hasPrefix("http") {
                commands.append("curl -s \(words.shellWord(words.base(change.source) + "/admin/events"))")
                if incident.diagnosis == .configSkew, change.previousHash != nil, !event.isResolved {
                    commands.append("evenkeel incident rollback \(incident.id) --watch \(watch)")
                }
            } else {
                commands.append("evenkeel check \(words.shellWord(change.source))")
                if let restore = change.restoreCommand, !event.isResolved { commands.append(restore) }
            }
        }
        return commands.map { "Run: \($0)" }
    }
}
