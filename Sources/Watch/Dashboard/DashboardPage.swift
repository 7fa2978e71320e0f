import BalancerAPI
import Foundation

/// The dashboard: per pool, observed against expected share per backend, p99 per backend, volume and errors over the
/// last minutes, and the incidents with their evidence and timeline. Server-rendered, so it works without
/// JavaScript; with it, the page redraws on every poll (Server-Sent Events from `/events`).
enum DashboardPage {
    static func render(engine: WatchEngine, store: IncidentStore, fragment: Bool) async throws -> String {
        let pools = await engine.status()
        let sources = await engine.sourceStatus()
        let active = try await store.incidents(states: [.open, .acknowledged], limit: 50)
        let recent = try await store.incidents(states: [.resolved], limit: 10)
        var body = "<p class=\"meta\">Updated \(HTMLText.escape(Date().formatted(.iso8601))). Sources: "
        body += sources.map { s in
            "<span class=\"\(s.ok ? "ok" : "bad")\">\(HTMLText.escape(s.url))\(s.ok ? "" : " — " + HTMLText.escape(s.lastError ?? "failing"))</span>"
        }.joined(separator: ", ")
        body += "</p>"
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
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Evenkeel Watch</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
            h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.4em}
            table{border-collapse:collapse;margin:.5em 0}td,th{padding:2px 10px;border-bottom:1px solid #ddd;text-align:right}
            td:first-child,th:first-child{text-align:left}
            .ok{color:#2a7a2a}.bad{color:#b00020}.meta{color:#666}
            .incident{border-left:4px solid #b00020;padding:.3em .8em;margin:.6em 0;background:#fff6f6}
            .incident.resolved{border-color:#999;background:#f6f6f6}
            .chart{margin:4px 8px 4px 0;background:#fafafa;border:1px solid #eee}.chart .t{font-size:11px;fill:#444}.chart .l{font-size:10px}
            </style></head>
            <body><h1>Evenkeel Watch</h1><main id="main">\(body)</main>
            <script>
            (function(){if(!window.EventSource)return;var busy=false;var es=new EventSource('/events');
            es.addEventListener('update',function(){if(busy)return;busy=true;
            fetch('/?fragment=1').then(function(r){return r.text()}).then(function(t){document.getElementById('main').innerHTML=t;document.body.dataset.updates=(+(document.body.dataset.updates||0)+1)}).finally(function(){busy=false})});})();
            </script></body></html>
            """
    }

    static func incident(_ incident: Incident) -> String {
        var out = "<div class=\"incident \(incident.state.rawValue)\" id=\"incident-\(incident.id)\">"
        out += "<strong>#\(incident.id) \(HTMLText.escape(incident.diagnosis.rawValue))</strong> · \(incident.severity.rawValue) · pool \(HTMLText.escape(incident.pool))"
        out += " · \(incident.state.rawValue) since \(HTMLText.escape(incident.openedAt.formatted(.iso8601)))"
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
            out += "<li>\(HTMLText.escape(entry.at.formatted(.iso8601))) <em>\(HTMLText.escape(entry.kind))</em> \(HTMLText.escape(entry.text))</li>"
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
