import Foundation
import Watch

/// A drill's results as people and machines read them: a text table, JSON, and a self-contained HTML page with the
/// timeline and the share, latency and volume charts around each fault.
public enum DrillReport {
    /// One row per scenario, then the problems of those that missed.
    public static func text(_ results: [DrillResult]) -> String {
        func f(_ v: Double?, _ format: String = "%.1f") -> String { v.map { String(format: format, $0) } ?? "–" }
        var lines = [
            "scenario         expected           given              detect s  mitig s  NOC s  eng s  false  p99 before→during ms  errors during  result",
        ]
        for r in results {
            let p99 = "\(f(r.before?.p99Ms, "%.0f"))→\(f(r.during?.p99Ms, "%.0f"))"
            lines.append(
                r.scenario.rawValue.padding(toLength: 17, withPad: " ", startingAt: 0)
                    + (r.expected ?? "(none)").padding(toLength: 19, withPad: " ", startingAt: 0)
                    + (r.given ?? "(none)").padding(toLength: 19, withPad: " ", startingAt: 0)
                    + f(r.detectionSeconds).padding(toLength: 10, withPad: " ", startingAt: 0)
                    + f(r.mitigationSeconds).padding(toLength: 9, withPad: " ", startingAt: 0)
                    + f(r.firstNotice("/noc")).padding(toLength: 7, withPad: " ", startingAt: 0)
                    + f(r.firstNotice("/engineering")).padding(toLength: 7, withPad: " ", startingAt: 0)
                    + "\(r.falseIncidents.count)".padding(toLength: 7, withPad: " ", startingAt: 0)
                    + p99.padding(toLength: 22, withPad: " ", startingAt: 0)
                    + "\(r.loadErrorsDuringFault)/\(r.loadRequestsDuringFault)".padding(toLength: 15, withPad: " ", startingAt: 0)
                    + (r.passed ? "PASS" : "FAIL"))
        }
        for r in results where !r.passed {
            lines.append("\(r.scenario.rawValue): " + r.problems.joined(separator: "; "))
        }
        let passed = results.filter(\.passed).count
        lines.append("\(passed) of \(results.count) scenarios passed")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The results as JSON (Watch's conventions: snake_case, RFC 3339 times).
    public static func json(_ results: [DrillResult]) throws -> Data {
        try WatchJSON.encoder().encode(["scenarios": results])
    }

    /// One page, no network and no JavaScript needed.
    public static func html(_ results: [DrillResult]) -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
                .replacingOccurrences(of: "\"", with: "&quot;")
        }
        var body = "<table><tr><th>scenario</th><th>fault</th><th>expected</th><th>given</th><th>detection</th><th>NOC told</th><th>engineering told</th><th>false incidents</th><th>result</th></tr>"
        for r in results {
            body += "<tr><td><a href=\"#\(r.scenario.rawValue)\">\(r.scenario.rawValue)</a></td><td>\(esc(r.fault))</td><td>\(r.expected ?? "none")</td>"
            body += "<td>\(r.given ?? "none")</td><td>\(r.detectionSeconds.map { String(format: "%.1f s", $0) } ?? "–")</td>"
            body += "<td>\(r.firstNotice("/noc").map { String(format: "%.2f s", $0) } ?? "–")</td><td>\(r.firstNotice("/engineering").map { String(format: "%.2f s", $0) } ?? "–")</td>"
            body += "<td>\(esc(r.falseIncidents.joined(separator: ", ")))</td><td class=\"\(r.passed ? "ok" : "bad")\">\(r.passed ? "pass" : "FAIL")</td></tr>"
        }
        body += "</table>"
        for r in results {
            body += "<section id=\"\(r.scenario.rawValue)\"><h2>\(r.scenario.rawValue): \(esc(r.fault))</h2>"
            if !r.problems.isEmpty { body += "<p class=\"bad\">\(esc(r.problems.joined(separator: "; ")))</p>" }
            if let change = r.configChange { body += "<p>Configuration change named: <code>\(esc(change))</code></p>" }
            let marks = [r.injectedAt.map { ("fault", $0) }, r.detectedAt.map { ("incident", $0) }, r.removedAt.map { ("removed", $0) }].compactMap { $0 }
            body += chart("requests per second", r.history, marks: marks) { ["pool": $0.rate] }
            body += chart("share of requests", r.history, marks: marks) { point in point.backends.mapValues(\.observedShare) }
            body += chart("p99 per backend, ms", r.history, marks: marks) { point in point.backends.mapValues(\.p99) }
            if !r.timeline.isEmpty {
                body += "<h3>Incident timeline</h3><ul>"
                for entry in r.timeline {
                    body += "<li>\(esc(entry.at.formatted(.iso8601))) <em>\(esc(entry.kind))</em> \(esc(entry.text))\(entry.by.map { " — \(esc($0))" } ?? "")</li>"
                }
                body += "</ul>"
            }
            body += "</section>"
        }
        return """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Evenkeel drill</title>
            <style>body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse}
            td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}.ok{color:#2a7a2a}.bad{color:#b00020}
            svg{background:#fafafa;border:1px solid #eee;margin:4px 8px 4px 0}</style></head>
            <body><h1>Evenkeel drill: \(results.filter(\.passed).count) of \(results.count) passed</h1>\(body)</body></html>
            """
    }

    /// A small SVG line chart of `series` over the history, with vertical marks at the drill's moments.
    static func chart(
        _ title: String, _ history: [WatchEngine.HistoryPoint], marks: [(String, Date)], series: (WatchEngine.HistoryPoint) -> [String: Double]
    ) -> String {
        guard let first = history.first?.at, let last = history.last?.at, last > first else { return "" }
        let width = 640.0, height = 160.0, span = last.timeIntervalSince(first)
        let values = history.map(series)
        let names = Set(values.flatMap(\.keys)).sorted()
        let top = max(values.flatMap(\.values).max() ?? 1, 1e-9) * 1.1
        let colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]
        func x(_ at: Date) -> Double { at.timeIntervalSince(first) / span * (width - 20) + 10 }
        func y(_ v: Double) -> Double { height - 20 - v / top * (height - 40) }
        var svg = "<svg width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\"><title>\(title)</title>"
        svg += "<text x=\"10\" y=\"14\" font-size=\"11\">\(title) (max \(String(format: "%.2f", top / 1.1)))</text>"
        for (i, name) in names.enumerated() {
            let points = zip(history, values).compactMap { point, v in v[name].map { "\(String(format: "%.1f", x(point.at))),\(String(format: "%.1f", y($0)))" } }
            svg += "<polyline fill=\"none\" stroke=\"\(colors[i % colors.count])\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/>"
            svg += "<text x=\"\(Int(width) - 110)\" y=\"\(14 + 12 * i)\" font-size=\"10\" fill=\"\(colors[i % colors.count])\">\(name)</text>"
        }
        for (label, at) in marks where at >= first && at <= last {
            svg += "<line x1=\"\(x(at))\" x2=\"\(x(at))\" y1=\"20\" y2=\"\(height - 20)\" stroke=\"#999\" stroke-dasharray=\"3,3\"/>"
            svg += "<text x=\"\(x(at) + 2)\" y=\"\(height - 6)\" font-size=\"10\">\(label)</text>"
        }
        return svg + "</svg>"
    }
}
