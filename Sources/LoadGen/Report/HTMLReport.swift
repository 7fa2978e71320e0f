import Foundation

/// The `--html` report: one self-contained page (inline CSS and SVG, no script, no network) with the verdict,
/// the headline figures and charts of rate, latency, errors and backend shares over the test.
public enum HTMLReport {
    /// Renders `report` against `target` (the URL that was tested).
    public static func render(_ report: LoadReport, target: String) -> String {
        // Seconds after the schedule that only saw late answers arrive would draw as a drop to zero.
        var seconds = report.perSecond
        while let last = seconds.last, last.sent == 0, (last.target ?? 0) == 0, seconds.count > 1 { seconds.removeLast() }
        var body = "<header><h1>Load test of \(escape(target))</h1><p>\(escape(headline(report)))</p></header>"
        body += verdict(report)
        body += figures(report)
        if report.generatorFellBehind {
            body += #"<p class="warn">The generator fell behind its own schedule (send lag p99 \#(String(format: "%.1f", report.sendLagP99)) ms): the client, not the server, limited this test. Add cores or lower the rate.</p>"#
        }

        var rate = [
            SVGLineChart.Series(name: "completed", color: "#8ce99a", steps: true, values: seconds.map { Double($0.completed) }),
            SVGLineChart.Series(name: "achieved (sent)", color: "#1971c2", steps: true, values: seconds.map { Double($0.sent) }),
        ]
        if seconds.contains(where: { $0.target != nil }) {
            rate.append(.init(name: "target", color: "#212529", dashed: true, steps: true, values: seconds.map { $0.target.map(Double.init) }))
        }
        body += section("Rate over time", "Requests per second: what the schedule asked for, what was sent, and what was answered.",
            SVGLineChart(unit: "req/s", series: rate).render())

        // A second with no answered request due in it has no latency: a gap, not a zero.
        func latency(_ values: [Double]) -> [Double?] { zip(values, seconds).map { $1.statusClasses.isEmpty ? nil : $0 } }
        body += section(
            "Latency over time",
            report.scheduled != nil
                ? "Percentiles of the requests due in each second, measured from their intended send time (open model)."
                : "Percentiles of the requests sent in each second (closed model: measured from the actual send).",
            SVGLineChart(unit: "ms", series: [
                .init(name: "p50", color: "#2f9e44", values: latency(seconds.map(\.p50))),
                .init(name: "p90", color: "#f08c00", values: latency(seconds.map(\.p90))),
                .init(name: "p99", color: "#e03131", values: latency(seconds.map(\.p99))),
            ]).render())

        let kinds = Set(seconds.flatMap { Array($0.failures.keys) }).sorted()
        let colors = ["connect": "#862e9c", "timeout": "#e03131", "reset": "#f08c00", "malformed": "#5c940d"]
        var errorSeries = kinds.map { kind in
            SVGLineChart.Series(name: kind, color: colors[kind] ?? "#495057", steps: true, values: seconds.map { Double($0.failures[kind] ?? 0) })
        }
        for (name, color) in [("4xx", "#fab005"), ("5xx", "#c92a2a")] where seconds.contains(where: { $0.statusClasses[name] != nil }) {
            errorSeries.append(.init(name: name, color: color, steps: true, values: seconds.map { Double($0.statusClasses[name] ?? 0) }))
        }
        body += section(
            "Errors over time", errorSeries.isEmpty ? "No failures and no 4xx or 5xx responses." : "Failures by kind and 4xx/5xx responses per second.",
            errorSeries.isEmpty ? "" : SVGLineChart(unit: "per s", series: errorSeries, height: 220).render())

        if !report.backends.isEmpty {
            var note = "Observed share of responses per backend (bar) against its intended share (black mark)."
            if let ratio = report.maxShareRatio, let jain = report.jainIndex {
                note += " Max share ratio \(ThresholdResult.format(ratio)), Jain's fairness index \(String(format: "%.4f", jain))."
            }
            body += section("Backend shares", note, SVGShareChart(backends: report.backends).render())
        }
        body += tables(report)
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Load test of \(escape(target))</title><style>\(style)</style></head>
            <body><main>\(body)</main></body></html>

            """
    }

    static func headline(_ report: LoadReport) -> String {
        var text = "Model \(report.model)"
        if let profile = report.profile { text += ", \(profile)" }
        return text + String(format: ", %.1f s, %d requests.", report.durationSeconds, report.requests)
    }

    static func verdict(_ report: LoadReport) -> String {
        guard !report.thresholds.isEmpty else { return #"<p class="verdict none">No thresholds given.</p>"# }
        let broken = report.thresholds.filter { !$0.holds }
        var html = broken.isEmpty
            ? #"<p class="verdict pass">PASS: \#(report.thresholds.count == 1 ? "the threshold holds" : "all \(report.thresholds.count) thresholds hold").</p>"#
            : #"<p class="verdict fail">FAIL: \#(broken.count) of \#(report.thresholds.count) \#(report.thresholds.count == 1 ? "threshold" : "thresholds") broken.</p>"#
        html += "<ul class=\"thresholds\">"
        for result in report.thresholds {
            html += #"<li class="\#(result.holds ? "ok" : "broken")">\#(escape(result.description))</li>"#
        }
        return html + "</ul>"
    }

    static func figures(_ report: LoadReport) -> String {
        var tiles: [(String, String)] = [("requests", "\(report.requests)"), ("achieved", String(format: "%.1f/s", report.achievedRate))]
        if let scheduled = report.scheduled, report.durationSeconds > 0 {
            tiles.append(("target", String(format: "%.1f/s", Double(scheduled) / report.durationSeconds)))
        }
        tiles += [
            ("p50", ms(report.latency.p50)), ("p99", ms(report.latency.p99)), ("p99.9", ms(report.latency.p999)),
            ("max", ms(report.latency.max)), ("errors", String(format: "%.2f%%", report.errorRate * 100)),
        ]
        if report.scheduled != nil { tiles.append(("send lag p99", ms(report.sendLagP99))) }
        return "<div class=\"tiles\">" + tiles.map { #"<div><span>\#($0.0)</span><b>\#(escape($0.1))</b></div>"# }.joined() + "</div>"
    }

    static func tables(_ report: LoadReport) -> String {
        var html = "<section><h2>Latency by request kind</h2><table><tr><th>kind</th><th>n</th><th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th></tr>"
        for (kind, l) in report.latencyByKind.sorted(by: { $0.key < $1.key }) {
            html += "<tr><td>\(escape(kind))</td><td>\(l.count)</td>" + [l.p50, l.p90, l.p99, l.p999, l.max].map { "<td>\(ms($0))</td>" }.joined() + "</tr>"
        }
        html += "</table><h2>Responses</h2><table><tr><th>status or failure</th><th>count</th></tr>"
        for (status, count) in report.statuses.sorted(by: { $0.key < $1.key }) { html += "<tr><td>\(escape(status))</td><td>\(count)</td></tr>" }
        for (failure, count) in report.failures.sorted(by: { $0.key < $1.key }) {
            let example = report.failureExamples[failure].map { ", first: " + escape($0) } ?? ""
            html += "<tr><td>\(escape(failure)) (no response\(example))</td><td>\(count)</td></tr>"
        }
        html += "</table>"
        if report.scheduled != nil {
            html += String(format: "<p class=\"note\">Send lag (how late the generator released requests): p99 %.2f ms, max %.2f ms.</p>", report.sendLagP99, report.sendLagMax)
        }
        return html + "</section>"
    }

    static func section(_ title: String, _ note: String, _ chart: String) -> String {
        "<section><h2>\(escape(title))</h2><p class=\"note\">\(escape(note))</p>\(chart)</section>"
    }

    static func ms(_ value: Double) -> String { value >= 100 ? String(format: "%.0f ms", value) : String(format: "%.2f ms", value) }

    /// Text safe inside HTML and SVG elements and attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    static let style = """
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#212529;background:#f8f9fa;margin:0}
        main{max-width:1040px;margin:0 auto;padding:24px}
        h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:0 0 4px}
        header p,.note{color:#495057;margin:0 0 10px}
        section{background:#fff;border:1px solid #dee2e6;border-radius:8px;padding:16px 18px;margin:16px 0}
        .verdict{font-weight:600;font-size:17px;padding:10px 14px;border-radius:8px;margin:16px 0 6px}
        .pass{background:#d3f9d8;color:#2b8a3e}.fail{background:#ffe3e3;color:#c92a2a}.none{background:#e9ecef;color:#495057}
        .thresholds{margin:0;padding-left:22px}.thresholds .broken{color:#c92a2a;font-weight:600}.thresholds .ok{color:#2b8a3e}
        .warn{background:#fff3bf;border:1px solid #fcc419;padding:10px 14px;border-radius:8px}
        .tiles{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0}
        .tiles div{background:#fff;border:1px solid #dee2e6;border-radius:8px;padding:8px 14px;min-width:92px}
        .tiles span{display:block;color:#868e96;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
        .tiles b{font-size:20px}
        .chart{width:100%;height:auto;display:block}
        .chart text{font-size:12px;fill:#495057}.chart .unit{font-weight:600}
        .chart .grid{stroke:#e9ecef}.chart .axis{stroke:#868e96}
        table{border-collapse:collapse;margin:6px 0 14px;min-width:50%}
        th,td{text-align:right;padding:4px 12px;border-bottom:1px solid #e9ecef}th:first-child,td:first-child{text-align:left}
        th{color:#495057;font-weight:600}
        """
}
