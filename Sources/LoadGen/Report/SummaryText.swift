import Foundation

/// The end-of-test table for people: throughput, latency, errors, backends, the generator's own lag and each
/// threshold's verdict.
public enum SummaryText {
    /// Renders `report`; the thresholds come from `report.thresholds`.
    public static func render(_ report: LoadReport) -> String {
        func ms(_ value: Double) -> String { String(format: "%.2f ms", value) }
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        var head = "model \(report.model)"
        if let profile = report.profile { head += ", \(profile)" }
        head += String(format: ", %.1f s, %d requests, %.1f req/s achieved", report.durationSeconds, report.requests, report.achievedRate)
        if let scheduled = report.scheduled, report.durationSeconds > 0 {
            head += String(format: " (target %.1f req/s)", Double(scheduled) / report.durationSeconds)
        }
        var lines = [
            head,
            "latency  p50 \(ms(report.latency.p50))  p90 \(ms(report.latency.p90))  p99 \(ms(report.latency.p99))  p99.9 \(ms(report.latency.p999))  max \(ms(report.latency.max))",
        ]
        for (kind, latency) in report.latencyByKind.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(pad(kind, 14)) n=\(latency.count)  p50 \(ms(latency.p50))  p99 \(ms(latency.p99))")
        }
        lines.append("statuses " + report.statuses.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
        if !report.failures.isEmpty {
            lines.append("failures " + report.failures.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
            for (kind, example) in report.failureExamples.sorted(by: { $0.key < $1.key }) {
                lines.append("  first \(kind): \(example)")
            }
        }
        lines.append(String(format: "errors %.2f%% (failures and 5xx)", report.errorRate * 100))
        if !report.backends.isEmpty {
            lines.append("backends")
            for backend in report.backends {
                lines.append(
                    "  \(pad(backend.name, 14)) \(backend.responses)  share \(String(format: "%.1f%%", backend.share * 100))  intended \(String(format: "%.1f%%", backend.intendedShare * 100))")
            }
            if let ratio = report.maxShareRatio, let jain = report.jainIndex {
                lines.append("  max share ratio \(ThresholdResult.format(ratio)), Jain's fairness \(String(format: "%.4f", jain))")
            }
        }
        if report.scheduled != nil {
            lines.append(String(format: "send lag p99 %.2f ms, max %.2f ms (how late the generator released requests)", report.sendLagP99, report.sendLagMax))
        }
        if report.generatorFellBehind {
            lines.append(
                String(format: "WARNING: the generator fell behind its schedule (send lag p99 %.1f ms): the client, not the server, limited this test; add cores or lower the rate", report.sendLagP99))
        }
        for result in report.thresholds { lines.append(result.description) }
        return lines.joined(separator: "\n") + "\n"
    }
}
