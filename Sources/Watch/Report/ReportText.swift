import Foundation

/// Numbers and times written for a postmortem's readers: times in UTC, shares as percentages, latency in whole
/// milliseconds, durations in the two largest units.
enum ReportText {
    /// `14:03:27`, in UTC.
    static func time(_ date: Date) -> String { UTCTime.clock(date) }

    /// `2026-01-15`, in UTC.
    static func day(_ date: Date) -> String { UTCTime.day(date) }

    /// `2026-01-15 14:03:27 UTC`.
    static func dateTime(_ date: Date) -> String { "\(day(date)) \(time(date)) UTC" }

    /// `45 s`, `3 min 20 s`, `2 h 5 min`, `1 d 3 h`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "an unknown time" }
        let total = Int(max(0, seconds).rounded())
        func join(_ a: Int, _ aUnit: String, _ b: Int, _ bUnit: String) -> String {
            b == 0 ? "\(a) \(aUnit)" : "\(a) \(aUnit) \(b) \(bUnit)"
        }
        switch total {
        case ..<60: return "\(total) s"
        case ..<3600: return join(total / 60, "min", total % 60, "s")
        case ..<86_400: return join(total / 3600, "h", total % 3600 / 60, "min")
        default: return join(total / 86_400, "d", total % 86_400 / 3600, "h")
        }
    }

    /// A ratio as a percentage: `87%` from 10% up, `2.5%` from 1%, `0.12%` below.
    static func percent(_ ratio: Double) -> String {
        guard ratio.isFinite else { return "\(ratio)" }
        let value = ratio * 100
        let text: String
        if value == 0 {
            text = "0"
        } else if abs(value) >= 10 {
            text = String(format: "%.0f", value)
        } else if abs(value) >= 1 {
            text = String(format: "%.1f", value)
        } else {
            text = String(format: "%.2f", value)
        }
        return trimmed(text) + "%"
    }

    /// Milliseconds, rounded: `850 ms`.
    static func milliseconds(_ value: Double) -> String {
        guard value.isFinite else { return "\(value) ms" }
        return String(format: "%.0f ms", value)
    }

    /// A count of requests, rounded: `54000`.
    static func count(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        return String(format: "%.0f", value)
    }

    /// A request rate: `120.5 requests/s`.
    static func rate(_ value: Double) -> String {
        guard value.isFinite else { return "\(value) requests/s" }
        return trimmed(String(format: "%.1f", value)) + " requests/s"
    }

    /// Any other number: whole numbers without decimals, others with two at most.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        return value == value.rounded() && abs(value) < 1e15 ? String(format: "%.0f", value) : trimmed(String(format: "%.2f", value))
    }

    /// An evidence value in its signal's unit: shares and ratios as percentages, `_ms` signals as milliseconds.
    static func evidenceValue(_ value: Double, signal: String) -> String {
        if signal.hasSuffix("_ms") { return milliseconds(value) }
        if signal.hasSuffix("share") || signal.hasSuffix("ratio") { return percent(value) }
        if signal == "rate" { return rate(value) }
        return number(value)
    }

    /// `text` with a final full stop unless it ends with one (or another sentence end) already.
    static func sentence(_ text: String) -> String {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let last = text.last else { return text }
        return ".!?".contains(last) ? text : text + "."
    }

    /// `12.50` → `12.5`, `3.0` → `3`.
    private static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var text = Substring(text)
        while text.hasSuffix("0") { text = text.dropLast() }
        if text.hasSuffix(".") { text = text.dropLast() }
        return String(text)
    }

    /// `text` safe inside a Markdown table cell.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
