import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode, which several `serve` processes on one machine may share.
///
/// Every write commits (synchronous=NORMAL in WAL) before the call returns, so a process killed
/// right after answering loses nothing it acknowledged.
public final class SQLiteStore: JobBoardStore {
    let pool: DatabasePool
    /// Counts operations in flight, exported as the database pool's use.
    let usage: DatabaseUsage
    /// Published postings' filter and sort columns, so a text search filters its matches in memory.
    let searchKeys = SearchKeyCache()
    /// Recent relevance rankings, so paging through one costs one ranking.
    let rankings = RankedMatchCache()

    /// Opens (creating if needed) the database file at `path`.
    public init(path: String, usage: DatabaseUsage = DatabaseUsage()) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = 8
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Searches read many small rows: map the file and keep a larger page cache per connection.
            try db.execute(sql: "PRAGMA mmap_size = 268435456")
            try db.execute(sql: "PRAGMA cache_size = -32768")
        }
        self.pool = try DatabasePool(path: path, configuration: configuration)
        self.usage = usage
    }

    public func migrate() async throws {
        try SQLiteSchema.migrator.migrate(pool)
    }

    public func ping() async throws {
        _ = try await read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    public func close() async throws {
        try pool.close()
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await usage.track { try await self.pool.read(body) }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await usage.track { try await self.pool.write(body) }
    }
}

extension SQLiteStore {
    public func createAccount(_ new: NewAccount, at now: Date) async throws -> Account {
        do {
            return try await write { db in
                try db.execute(
                    sql: "INSERT INTO accounts (email, role, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [new.email, new.role.rawValue, new.displayName, new.passwordHash, now.timeIntervalSince1970])
                return Account(
                    id: db.lastInsertedRowID, email: new.email, role: new.role, displayName: new.displayName, createdAt: now)
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw JobBoardError.conflict("an account with email \(new.email) already exists")
        }
    }

    public func account(id: Int64) async throws -> Account? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM accounts WHERE id = ?", arguments: [id]).map(Self.account(from:))
        }
    }

    public func credentials(email: String) async throws -> (account: Account, passwordHash: String)? {
        let found = try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM accounts WHERE email = ?", arguments: [email]).map {
                (Self.account(from: $0), $0["password_hash"] as String)
            }
        }
        return found.map { (account: $0.0, passwordHash: $0.1) }
    }

    public func createSession(tokenHash: String, accountID: Int64, expiresAt: Date) async throws {
        try await write { db in
            try db.execute(
                sql: "INSERT INTO sessions (token_hash, account_id, expires_at) VALUES (?, ?, ?)",
                arguments: [tokenHash, accountID, expiresAt.timeIntervalSince1970])
        }
    }

    public func account(sessionTokenHash: String, at now: Date) async throws -> Account? {
        try await read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT accounts.* FROM sessions JOIN accounts ON accounts.id = sessions.account_id
                    WHERE sessions.token_hash = ? AND sessions.expires_at > ?
                    """,
                arguments: [sessionTokenHash, now.timeIntervalSince1970]
            ).map(Self.account(from:))
        }
    }

    public func deleteSession(tokenHash: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE token_hash = ?", arguments: [tokenHash])
        }
    }

    public func company(employerID: Int64) async throws -> CompanyProfile? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM companies WHERE employer_id = ?", arguments: [employerID]).map { row in
                let country: String? = row["country"]
                return CompanyProfile(
                    employerID: row["employer_id"], name: row["name"], website: row["website"], about: row["about"],
                    location: country.map { Location(city: row["city"], region: row["region"], country: $0) })
            }
        }
    }

    public func saveCompany(_ company: CompanyProfile) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    INSERT INTO companies (employer_id, name, website, about, city, region, country)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (employer_id) DO UPDATE SET name = excluded.name, website = excluded.website,
                        about = excluded.about, city = excluded.city, region = excluded.region, country = excluded.country
                    """,
                arguments: [
                    company.employerID, company.name, company.website, company.about, company.location?.city,
                    company.location?.region, company.location?.country,
                ])
        }
    }

    static func account(from row: Row) -> Account {
        Account(
            id: row["id"], email: row["email"], role: Role(rawValue: row["role"]) ?? .seeker,
            displayName: row["display_name"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }
}
