import Foundation

/// One incident on its own page: everything the dashboard shows of it, its whole timeline with who did what, the
/// notifications sent about it, and — for a logged-in operator — forms to acknowledge, add a note and resolve.
/// Plain HTML forms: no JavaScript needed.
enum IncidentPage {
    static func render(_ incident: Incident, session: SessionStore.Session?, deliveries: [Outbox.Delivery]) -> String {
        var body = "<p><a href=\"/\">← dashboard</a> · <a href=\"/api/v1/incidents/\(incident.id)/report\">postmortem draft</a></p>"
        body += DashboardPage.incident(incident)
        if let session {
            let csrf = "<input type=\"hidden\" name=\"csrf\" value=\"\(HTMLText.escape(session.csrf))\">"
            body += "<h2>Act as \(HTMLText.escape(session.person.name)) (\(session.person.team.rawValue))</h2>"
            if incident.state == .open {
                body += form("ack", incident.id, csrf, label: "Acknowledge", placeholder: "what you are doing (optional)")
            }
            body += form("notes", incident.id, csrf, label: "Add note", placeholder: "what you found or did", required: true)
            if incident.state != .resolved, incident.diagnosis == .configSkew, let change = incident.configChange, change.isOnBalancer,
                let previous = change.previousHash
            {
                body += "<form method=\"post\" action=\"/incidents/\(incident.id)/rollback\" class=\"action\">\(csrf)"
                body += "<button>Roll back to \(HTMLText.escape(previous)) (before the change at \(HTMLText.escape(change.at.formatted(.iso8601))))</button></form>"
            } else if incident.state != .resolved, let change = incident.configChange, !change.isOnBalancer {
                body += "<p>The change was seen in <code>\(HTMLText.escape(change.source))</code>; Evenkeel does not reload HAProxy or nginx. "
                if let restore = change.restoreCommand {
                    body += "Watch kept the file as it was before; to put it back: <code>\(HTMLText.escape(restore))</code></p>"
                } else {
                    body += "Restore the previous file with its own tooling (e.g. from version control) and reload that balancer.</p>"
                }
            }
            if incident.state != .resolved {
                body += form("resolve", incident.id, csrf, label: "Resolve", placeholder: "how it was fixed (optional)")
            }
            body += "<form method=\"post\" action=\"/logout\" class=\"action\">\(csrf)<button>Log out</button></form>"
        } else {
            body += "<p><a href=\"/login?return=/incidents/\(incident.id)\">Log in</a> with an operator token to acknowledge, add notes or resolve.</p>"
        }
        if !deliveries.isEmpty {
            body += "<h2>Notifications</h2><table><tr><th>receiver</th><th>events</th><th>state</th><th>attempts</th><th>last error</th></tr>"
            for d in deliveries {
                body += "<tr><td>\(HTMLText.escape(d.receiver))</td><td>\(HTMLText.escape(d.events.map(\.kind.rawValue).joined(separator: ", ")))</td>"
                body += "<td class=\"\(d.state == .failed ? "bad" : "")\">\(d.state.rawValue)</td><td>\(d.attempts)</td><td>\(HTMLText.escape(d.lastError ?? ""))</td></tr>"
            }
            body += "</table>"
        }
        return PageShell.wrap(title: "Incident \(incident.id) · Evenkeel Watch", heading: "Incident \(incident.id): \(incident.diagnosis.title)", body: body)
    }

    private static func form(_ action: String, _ id: Int64, _ csrf: String, label: String, placeholder: String, required: Bool = false) -> String {
        """
        <form method="post" action="/incidents/\(id)/\(action)" class="action">\(csrf)\
        <input type="text" name="text" maxlength="4000" placeholder="\(HTMLText.escape(placeholder))"\(required ? " required" : "")> \
        <button>\(HTMLText.escape(label))</button></form>
        """
    }
}
