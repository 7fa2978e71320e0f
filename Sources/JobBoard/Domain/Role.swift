/// What an account may do.
public enum Role: String, Codable, Sendable, CaseIterable {
    case employer
    case seeker
    case moderator
}
