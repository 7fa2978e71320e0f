import BalancerAPI
import Foundation

/// The dashboard: per pool, observed against expected share per backend, p99 per backend, volume and errors over the
/// last minutes, and the incidents with their evidence and timeline. Server-rendered, so it works without
/// JavaScript; with it, the page redraws on every poll (Server-Sent Events from `/events`).
enum DashboardPage {
    static func render(engine: WatchEngine, store: IncidentStore, outbox: Outbox? = nil, fragment: Bool) async throws -> String {
        let pools = await engine.status()
        let sources = await engine.sourceStatus()
        let active = try await store.incidents(states: [.open, .acknowledged], limit: 50)
        let recent = try await store.incidents(states: [.resolved], limit: 10)
        var body = "<p class=\"meta\">Updated \(HTMLText.escape(Date().formatted(.iso8601))). Sources: "
        body += sources.map { s in
            "<span class=\"\(s.ok ? "ok" : "bad")\">\(HTMLText.escape(s.url))\(s.ok ? "" : " — " + HTMLText.escape(s.lastError ?? "failing"))</span>"
        }.joined(separator: ", ")
        body += "</p>"
        if let outbox {
            let counts = try await outbox.counts()
            let failed = try await outbox.deliveries(state: .failed, limit: 5)
            let waiting = try await outbox.deliveries(state: .pending, limit: 5).filter { $0.attempts > 0 }
            body += "<p class=\"meta\" id=\"notifications\">Notifications: \(counts[.delivered] ?? 0) delivered, \(counts[.pending] ?? 0) pending"
            body += ", <span class=\"\((counts[.failed] ?? 0) > 0 ? "bad" : "")\">\(counts[.failed] ?? 0) failed</span>.</p>"
            for d in waiting + failed {
                body += "<p class=\"bad\">Notification to \(HTMLText.escape(d.receiver)) \(d.state == .failed ? "failed" : "retrying") after \(d.attempts) attempt(s): "
                body += "\(HTMLText.escape(d.lastError ?? "?"))</p>"
            }
        }
        body += "<h2>Incidents open (\(active.count))</h2>"
        body += active.isEmpty ? "<p class=\"ok\">None. Traffic is shared as meant.</p>" : active.map(incident).joined()
        for name in pools.keys.sorted() {
            guard let status = pools[name] else { continue }
            body += pool(name, status)
        }
        if !recent.isEmpty {
            body += "<h2>Recently resolved</h2>" + recent.map(incident).joined()
        }
        if fragment { return body }
        return PageShell.wrap(
            title: "Evenkeel Watch", heading: "Evenkeel Watch", body: body, main: true,
            script: """
                (function(){if(!window.EventSource)return;var busy=false;var es=new EventSource('/events');
                es.addEventListener('update',function(){if(busy)return;busy=true;
                fetch('/?fragment=1').then(function(r){return r.text()}).then(function(t){document.getElementById('main').innerHTML=t;document.body.dataset.updates=(+(document.body.dataset.updates||0)+1)}).finally(function(){busy=false})});})();
                """)
    }

    static func incident(_ incident: Incident) -> String {
        var out = "<div class=\"incident \(incident.state.rawValue)\" id=\"incident-\(incident.id)\">"
        out += "<strong><a href=\"/incidents/\(incident.id)\">#\(incident.id)</a> \(HTMLText.escape(incident.diagnosis.rawValue))</strong> · \(incident.severity.rawValue) · pool \(HTMLText.escape(incident.pool))"
        out += " · \(incident.state.rawValue) since \(HTMLText.escape(incident.openedAt.formatted(.iso8601)))"
        if let by = incident.acknowledgedBy { out += " · acknowledged by \(HTMLText.escape(by))" }
        if let resolved = incident.resolvedAt { out += ", resolved \(HTMLText.escape(resolved.formatted(.iso8601)))" }
        out += "<p>\(HTMLText.escape(incident.summary))</p>"
        if let change = incident.configChange {
            out += "<p>Configuration change at \(HTMLText.escape(change.at.formatted(.iso8601))) (\(HTMLText.escape(change.source))): <code>\(HTMLText.escape(change.diff))</code></p>"
        }
        out += "<table><tr><th>signal</th><th>backend</th><th>value</th><th>compared with</th></tr>"
        for e in incident.evidence {
            out += "<tr><td>\(HTMLText.escape(e.signal))</td><td>\(HTMLText.escape(e.backend ?? "pool"))</td><td>\(SparkChart.format(e.value))</td><td>\(e.baseline.map(SparkChart.format) ?? "")</td></tr>"
        }
        out += "</table><details><summary>Timeline (\(incident.timeline.count))</summary><ul>"
        for entry in incident.timeline {
            out += "<li>\(HTMLText.escape(entry.at.formatted(.iso8601))) <em>\(HTMLText.escape(entry.kind))</em> \(HTMLText.escape(entry.text))"
            out += (entry.by.map { " — \(HTMLText.escape($0))" } ?? "") + "</li>"
        }
        out += "</ul></details><p>Runbook: <code>\(HTMLText.escape(incident.diagnosis.runbook))</code></p></div>"
        return out
    }

    static func pool(_ name: String, _ status: WatchEngine.PoolStatus) -> String {
        let s = status.signals
        var out = "<section class=\"pool\" id=\"pool-\(HTMLText.escape(name))\"><h2>Pool \(HTMLText.escape(name))</h2>"
        out += "<p class=\"meta\">\(HTMLText.escape(s.algorithm)) · \(String(format: "%.1f", s.rate)) requests/s"
        if let usual = status.baselineRate { out += " (usually \(String(format: "%.1f", usual)))" }
        out += " · Jain \(s.jainIndex.map { String(format: "%.3f", $0) } ?? "–") · errors \(Detector.percent(s.errorRatio)) · over the last \(Int(s.window.rounded())) s</p>"
        out += "<table><tr><th>backend</th><th>state</th><th>weight</th><th>expected</th><th>observed</th><th>p50</th><th>p99</th><th>errors</th></tr>"
        for b in s.backends {
            let skewed = b.observedShare - b.expectedShare >= 0.15
            out += "<tr class=\"backend\"><td>\(HTMLText.escape(b.name))</td><td class=\"\(b.state == .healthy ? "ok" : "bad")\">\(b.state.rawValue)</td><td>\(b.weight)</td>"
            out += "<td>\(Detector.percent(b.expectedShare))</td><td class=\"\(skewed ? "bad" : "")\">\(Detector.percent(b.observedShare))</td>"
            let answered = b.responses > 0
            out += "<td>\(answered ? Detector.ms(b.p50) : "–")</td><td>\(answered ? Detector.ms(b.p99) : "–")</td><td>\(Detector.percent(b.errorRatio))</td></tr>"
        }
        out += "</table>"
        let names = s.backends.map(\.name)
        var shareSeries = names.map { n in SparkChart.Series(name: n, values: status.history.map { $0.backends[n]?.observedShare ?? 0 }) }
        shareSeries += names.map { n in SparkChart.Series(name: n + " expected", values: status.history.map { $0.backends[n]?.expectedShare ?? 0 }, dashed: true) }
        out += SparkChart(title: "observed (solid) vs expected (dashed) share", series: shareSeries, top: 1, unit: "").svg()
        out += SparkChart(
            title: "p99 per backend", series: names.map { n in SparkChart.Series(name: n, values: status.history.map { $0.backends[n]?.p99 ?? 0 }) },
            top: nil, unit: "ms"
        ).svg()
        out += SparkChart(title: "volume", series: [SparkChart.Series(name: "requests/s", values: status.history.map(\.rate))], top: nil, unit: "req/s").svg()
        out += SparkChart(title: "errors", series: [SparkChart.Series(name: "error ratio", values: status.history.map(\.errorRatio))], top: nil, unit: "").svg()
        return out + "</section>"
    }
}
