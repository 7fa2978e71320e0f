import Foundation

/// Times as Watch writes them for people, always in UTC: the clock (`14:03:27`) and the day (`2026-01-15`). One
/// place, so a notification, the dashboard and a postmortem draft never disagree about a moment.
enum UTCTime {
    /// `14:03:27`.
    static func clock(_ date: Date) -> String {
        let c = components(date)
        return "\(pad(c.hour)):\(pad(c.minute)):\(pad(c.second))"
    }

    /// `2026-01-15`.
    static func day(_ date: Date) -> String {
        let c = components(date)
        return "\(pad(c.year, width: 4))-\(pad(c.month))-\(pad(c.day))"
    }

    private static func components(_ date: Date) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    }

    private static func pad(_ value: Int?, width: Int = 2) -> String {
        let text = String(value ?? 0)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
