/// Where the work happens, as job seekers filter for it.
public enum Workplace: String, Codable, Sendable, CaseIterable {
    case onsite
    case hybrid
    case remote
}
