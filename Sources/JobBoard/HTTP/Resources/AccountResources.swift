import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

/// An account as the API returns it (never with its password hash).
public struct AccountResource: ResponseCodable, Sendable {
    public var id: Int64
    public var email: String
    public var role: Role
    public var displayName: String
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, email, role
        case displayName = "display_name"
        case createdAt = "created_at"
    }

    public init(_ account: Account) {
        self.id = account.id
        self.email = account.email
        self.role = account.role
        self.displayName = account.displayName
        self.createdAt = account.createdAt
    }
}

/// Sign-up input.
public struct RegistrationInput: Codable, Sendable {
    public var email: String
    public var password: String
    public var role: Role
    public var displayName: String

    enum CodingKeys: String, CodingKey {
        case email, password, role
        case displayName = "display_name"
    }
}

/// Login input.
public struct LoginInput: Codable, Sendable {
    public var email: String
    public var password: String
}

/// A new session: send the token as `Authorization: Bearer <token>`.
public struct SessionResource: ResponseCodable, Sendable {
    public var token: String
    public var account: AccountResource
}

/// A company profile as the API reads and writes it.
public struct CompanyResource: ResponseCodable, Sendable {
    public var name: String
    public var website: String?
    public var about: String?
    public var location: Location?

    public init(_ profile: CompanyProfile) {
        self.name = profile.name
        self.website = profile.website
        self.about = profile.about
        self.location = profile.location
    }
}
