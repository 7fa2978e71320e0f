import Foundation

/// The small pieces every notification is made of: times in UTC, durations, numbers in the units people read, and
/// Watch's own links. Shared by the message and by each receiver's payload so they never disagree.
enum NotificationWords {
    // MARK: - Times

    /// `14:00:03 UTC`.
    static func clock(_ date: Date) -> String { UTCTime.clock(date) + " UTC" }

    /// `2023-11-10`.
    static func day(_ date: Date) -> String { UTCTime.day(date) }

    /// `2023-11-10 14:00:03 UTC`.
    static func stamp(_ date: Date) -> String { "\(day(date)) \(clock(date))" }

    /// RFC 3339 in UTC with fractional seconds, as Alertmanager and PagerDuty read it.
    static func rfc3339(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// `45 s`, `12 min`, `2 h 13 min`.
    static func duration(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite, seconds > 0 else { return "0 s" }
        let total = seconds >= 1e12 ? Int(1e12) : Int(seconds.rounded())
        if total < 60 { return "\(total) s" }
        if total < 3600 { return "\(total / 60) min" }
        let hours = total / 3600, minutes = (total % 3600) / 60
        return minutes == 0 ? "\(hours) h" : "\(hours) h \(minutes) min"
    }

    // MARK: - Numbers

    /// A share or a ratio as a percentage: `92%`, `4.1%`.
    static func percent(_ ratio: Double) -> String {
        guard ratio.isFinite else { return "\(ratio)" }
        return Detector.percent(ratio)
    }

    /// Milliseconds as people read them: `80 ms`, `1.20 s`.
    static func ms(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        return Detector.ms(value)
    }

    /// A request rate: `200 requests/s`.
    static func rate(_ value: Double) -> String { "\(count(value)) requests/s" }

    /// A number of things, rounded: `12345`.
    static func count(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        return String(Int64(min(max(value, -9e15), 9e15).rounded()))
    }

    /// How many times the usual: `1.0×`.
    static func times(_ now: Double, usual: Double) -> String {
        guard usual > 0, now.isFinite, usual.isFinite else { return "?×" }
        return String(format: "%.1f×", now / usual)
    }

    /// An evidence value in its signal's unit: shares and ratios as percentages, `_ms` as time, `rate` per second,
    /// `state_*` as seconds, the Jain index with two decimals.
    static func value(_ value: Double, signal: String) -> String {
        guard value.isFinite else { return "\(value)" }
        if signal.hasSuffix("_share") || signal.hasSuffix("_ratio") { return percent(value) }
        if signal.hasSuffix("_ms") { return ms(value) }
        if signal == "rate" { return String(format: "%.0f/s", value) }
        if signal.hasPrefix("state_") { return String(format: "%.0f s", value) }
        if signal == "jain_index" { return String(format: "%.2f", value) }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.3g", value)
    }

    // MARK: - Text

    /// `text` cut to `limit` characters, ending in `…` when cut.
    static func clip(_ text: String, _ limit: Int) -> String {
        guard text.count > limit, limit > 0 else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }

    /// `text` as one shell word: unchanged when it needs no quoting, else in single quotes.
    static func shellWord(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            (scalar.value < 128 && CharacterSet.alphanumerics.contains(scalar)) || "@%+=:,./_-".unicodeScalars.contains(scalar)
        }
        return plain ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    // MARK: - Links

    /// `url` without trailing slashes.
    static func base(_ url: String) -> String {
        var trimmed = url
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed
    }

    /// The incident in Watch's JSON API.
    static func incidentURL(_ event: NotificationEvent) -> String {
        base(event.watchURL) + "/api/v1/incidents/\(event.incident.id)"
    }

    /// Watch's dashboard.
    static func dashboardURL(_ event: NotificationEvent) -> String { base(event.watchURL) + "/" }

    // MARK: - Evidence

    /// The pool-wide evidence for `signal`.
    static func poolEvidence(_ signal: String, in incident: Incident) -> Evidence? {
        incident.evidence.first { $0.signal == signal && $0.backend == nil }
    }

    /// The backend with the largest observed share among the evidence.
    static func heaviestShare(in incident: Incident) -> Evidence? {
        incident.evidence.filter { $0.signal == "observed_share" && $0.backend != nil }.max { $0.value < $1.value }
    }
}
