import Foundation
import PostgresNIO

extension PostgresStore {
    public func createAccount(_ new: NewAccount, at now: Date) async throws -> Account {
        let rows = try await run(
            """
            INSERT INTO accounts (email, role, display_name, password_hash, created_at)
            VALUES (\(new.email), \(new.role.rawValue), \(new.displayName), \(new.passwordHash), \(now.timeIntervalSince1970))
            RETURNING id
            """, conflict: "an account with email \(new.email) already exists")
        return Account(
            id: try rows[0].value("id"), email: new.email, role: new.role, displayName: new.displayName, createdAt: now)
    }

    public func account(id: Int64) async throws -> Account? {
        try await rows("SELECT * FROM accounts WHERE id = \(id)").first.map(Self.account(from:))
    }

    public func credentials(email: String) async throws -> (account: Account, passwordHash: String)? {
        guard let row = try await rows("SELECT * FROM accounts WHERE lower(email) = lower(\(email))").first else { return nil }
        return (try Self.account(from: row), try row.value("password_hash"))
    }

    public func createSession(tokenHash: String, accountID: Int64, expiresAt: Date) async throws {
        _ = try await run(
            "INSERT INTO sessions (token_hash, account_id, expires_at) VALUES (\(tokenHash), \(accountID), \(expiresAt.timeIntervalSince1970))")
    }

    public func account(sessionTokenHash: String, at now: Date) async throws -> Account? {
        try await rows(
            """
            SELECT accounts.* FROM sessions JOIN accounts ON accounts.id = sessions.account_id
            WHERE sessions.token_hash = \(sessionTokenHash) AND sessions.expires_at > \(now.timeIntervalSince1970)
            """
        ).first.map(Self.account(from:))
    }

    public func deleteSession(tokenHash: String) async throws {
        _ = try await run("DELETE FROM sessions WHERE token_hash = \(tokenHash)")
    }

    public func company(employerID: Int64) async throws -> CompanyProfile? {
        guard let row = try await rows("SELECT * FROM companies WHERE employer_id = \(employerID)").first else { return nil }
        let country: String? = try row.value("country")
        return CompanyProfile(
            employerID: try row.value("employer_id"), name: try row.value("name"), website: try row.value("website"),
            about: try row.value("about"),
            location: try country.map { Location(city: try row.value("city"), region: try row.value("region"), country: $0) })
    }

    public func saveCompany(_ company: CompanyProfile) async throws {
        _ = try await run(
            """
            INSERT INTO companies (employer_id, name, website, about, city, region, country)
            VALUES (\(company.employerID), \(company.name), \(company.website), \(company.about), \(company.location?.city),
                    \(company.location?.region), \(company.location?.country))
            ON CONFLICT (employer_id) DO UPDATE SET name = excluded.name, website = excluded.website,
                about = excluded.about, city = excluded.city, region = excluded.region, country = excluded.country
            """)
    }

    static func account(from row: PostgresRandomAccessRow) throws -> Account {
        Account(
            id: try row.value("id"), email: try row.value("email"), role: Role(rawValue: try row.value("role")) ?? .seeker,
            displayName: try row.value("display_name"), createdAt: Date(timeIntervalSince1970: try row.value("created_at")))
    }
}
