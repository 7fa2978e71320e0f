import Foundation

/// A person who logs in: an employer, a job seeker or a moderator.
public struct Account: Codable, Sendable, Equatable {
    public var id: Int64
    public var email: String
    public var role: Role
    public var displayName: String
    public var createdAt: Date

    public init(id: Int64, email: String, role: Role, displayName: String, createdAt: Date) {
        self.id = id
        self.email = email
        self.role = role
        self.displayName = displayName
        self.createdAt = createdAt
    }
}

/// The fields needed to create an account; the password arrives already hashed.
public struct NewAccount: Sendable {
    public var email: String
    public var role: Role
    public var displayName: String
    public var passwordHash: String

    public init(email: String, role: Role, displayName: String, passwordHash: String) {
        self.email = email
        self.role = role
        self.displayName = displayName
        self.passwordHash = passwordHash
    }
}
