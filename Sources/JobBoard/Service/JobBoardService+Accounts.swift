import Crypto
import Foundation
import HummingbirdBcrypt

extension JobBoardService {
    /// Registers an employer or seeker. Moderators are made by an operator (`evenkeel seed --moderator`), never by signing up.
    public func register(email: String, password: String, role: Role, displayName: String) async throws -> Account {
        var issues: [FieldIssue] = []
        let email = email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if !Self.looksLikeEmail(email) { issues.append(.init(field: "email", message: "must be an email address")) }
        if password.utf8.count < 8 || password.utf8.count > 72 {
            issues.append(.init(field: "password", message: "must be 8 to 72 bytes long"))
        }
        if role == .moderator {
            issues.append(.init(field: "role", message: "must be employer or seeker"))
        }
        let name = displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty || name.count > 100 {
            issues.append(.init(field: "display_name", message: "must be 1 to 100 characters"))
        }
        if !issues.isEmpty { throw JobBoardError.invalid(issues) }
        return try await createAccount(email: email, password: password, role: role, displayName: name)
    }

    /// Creates an account of any role without the sign-up checks; for seeding and operators.
    public func createAccount(email: String, password: String, role: Role, displayName: String, cost: UInt8? = nil)
        async throws -> Account
    {
        let hash = Bcrypt.hash(password, cost: cost ?? bcryptCost)
        return try await store.createAccount(
            NewAccount(email: email.lowercased(), role: role, displayName: displayName, passwordHash: hash), at: clock())
    }

    /// Checks a password and opens a session; returns the account and the session token to hand back.
    public func login(email: String, password: String) async throws -> (account: Account, token: String) {
        let email = email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard let found = try await store.credentials(email: email), Bcrypt.verify(password, hash: found.passwordHash)
        else {
            throw JobBoardError.unauthenticated("email or password is wrong")
        }
        let token = Self.newToken()
        try await store.createSession(
            tokenHash: Self.hash(token: token), accountID: found.account.id, expiresAt: clock().addingTimeInterval(sessionLifetime))
        return (found.account, token)
    }

    /// The account a session token belongs to, if the session is open.
    public func account(forToken token: String) async throws -> Account? {
        guard token.count == 64 else { return nil }
        return try await store.account(sessionTokenHash: Self.hash(token: token), at: clock())
    }

    /// Ends a session.
    public func logout(token: String) async throws {
        try await store.deleteSession(tokenHash: Self.hash(token: token))
    }

    /// The employer's company profile.
    public func company(of employer: Account) async throws -> CompanyProfile? {
        try require(employer, is: .employer)
        return try await store.company(employerID: employer.id)
    }

    /// Creates or replaces the employer's company profile.
    public func saveCompany(name: String, website: String?, about: String?, location: Location?, by employer: Account)
        async throws -> CompanyProfile
    {
        try require(employer, is: .employer)
        var issues: [FieldIssue] = []
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty || name.count > 120 { issues.append(.init(field: "name", message: "must be 1 to 120 characters")) }
        if let website, !JobDraftValidator.isWebURL(website) {
            issues.append(.init(field: "website", message: "must be an http or https URL"))
        }
        if let about, about.count > 5_000 { issues.append(.init(field: "about", message: "must be at most 5000 characters")) }
        let location = location.map { JobDraftValidator.validated($0, into: &issues) }
        if !issues.isEmpty { throw JobBoardError.invalid(issues) }
        let profile = CompanyProfile(employerID: employer.id, name: name, website: website, about: about, location: location)
        try await store.saveCompany(profile)
        return profile
    }

    static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return text.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".") && !text.contains(where: \.isWhitespace)
    }

    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    static func hash(token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
