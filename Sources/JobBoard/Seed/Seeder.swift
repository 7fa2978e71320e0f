import Foundation

/// Fills a store with demo accounts and synthetic postings.
///
/// Accounts: `employer{N}@example.com` / `password-{N}` (N = 1…10), `seeker{N}@example.com` / `password-{N}`
/// (N = 1…100) and `moderator@example.com` / `password-moderator`. They use a low bcrypt cost: they are demo
/// accounts with published passwords, and seeding stays fast.
public struct Seeder: Sendable {
    let service: JobBoardService

    public init(service: JobBoardService) {
        self.service = service
    }

    /// What a seeding run did.
    public struct Report: Sendable {
        public var accountsCreated: Int
        public var jobsInserted: Int
    }

    public static let employerCount = 10
    public static let seekerCount = 100

    /// Creates the demo accounts (if missing) and `jobs` more published jobs.
    public func seed(jobs count: Int, seed: UInt64 = 42) async throws -> Report {
        var created = 0
        var employers: [Int64] = []
        for n in 1...Self.employerCount {
            employers.append(try await ensureAccount("employer\(n)@example.com", "password-\(n)", .employer, "Employer \(n)", &created))
        }
        for n in 1...Self.seekerCount {
            _ = try await ensureAccount("seeker\(n)@example.com", "password-\(n)", .seeker, "Seeker \(n)", &created)
        }
        _ = try await ensureAccount("moderator@example.com", "password-moderator", .moderator, "Moderator", &created)

        let store = service.store
        let existing = try await store.jobCount()
        let generator = SyntheticJobs(seed: seed)
        let batch = 5_000
        var inserted = 0
        while inserted < count {
            let size = min(batch, count - inserted)
            // Each batch covers its slice of the 29 days, oldest first, so ids follow posting time across batches.
            let span = SyntheticJobs.defaultAges.upperBound
            let ages = span * Double(count - inserted - size) / Double(count)...span * Double(count - inserted) / Double(count)
            let jobs = generator.make(
                count: size, firstID: Int64(existing + inserted + 1), employerIDs: employers, now: service.clock(),
                lifetime: service.jobLifetime, ages: ages)
            // Ids come from the store's own sequence, so seeding an existing database never collides.
            try await store.insertJobs(jobs.map { job in
                var job = job
                job.id = 0
                return job
            })
            inserted += size
        }
        return Report(accountsCreated: created, jobsInserted: inserted)
    }

    private func ensureAccount(_ email: String, _ password: String, _ role: Role, _ name: String, _ created: inout Int) async throws
        -> Int64
    {
        if let found = try await service.store.credentials(email: email) { return found.account.id }
        created += 1
        return try await service.createAccount(email: email, password: password, role: role, displayName: name, cost: 4).id
    }
}
