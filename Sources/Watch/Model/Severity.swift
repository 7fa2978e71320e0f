/// How urgently an incident needs a person: `page` now, `ticket` during working hours, `info` for the record.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    case info
    case ticket
    case page

    private var rank: Int {
        switch self {
        case .info: 0
        case .ticket: 1
        case .page: 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}
