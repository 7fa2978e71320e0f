import Foundation

/// The job board's rules, shared by the JSON API and the pages: who may do what, and the lifecycles of
/// postings and applications. It holds no HTTP; errors are ``JobBoardError``s.
public struct JobBoardService: Sendable {
    public let store: any JobBoardStore
    /// The current time; tests move it to expire postings.
    public let clock: @Sendable () -> Date
    /// How long a publication or renewal keeps a job live.
    public let jobLifetime: TimeInterval
    /// How long a login lasts.
    public let sessionLifetime: TimeInterval
    /// bcrypt cost for new passwords.
    public let bcryptCost: UInt8

    public init(
        store: any JobBoardStore, clock: @escaping @Sendable () -> Date = Date.init,
        jobLifetime: TimeInterval = 30 * 86_400, sessionLifetime: TimeInterval = 14 * 86_400, bcryptCost: UInt8 = 12
    ) {
        self.store = store
        self.clock = clock
        self.jobLifetime = jobLifetime
        self.sessionLifetime = sessionLifetime
        self.bcryptCost = bcryptCost
    }

    // MARK: Jobs

    /// Creates a draft owned by the employer.
    public func createJob(_ draft: JobDraft, by employer: Account) async throws -> Job {
        try require(employer, is: .employer)
        let content = try JobDraftValidator.validated(draft)
        return try await store.createJob(employerID: employer.id, content: content, at: clock())
    }

    /// A job as `viewer` may see it: live jobs for everyone, any state for its employer and moderators.
    public func job(id: Int64, viewer: Account?) async throws -> Job {
        guard let job = try await store.job(id: id) else { throw JobBoardError.notFound("job \(id) does not exist") }
        if job.isLive(at: clock()) || viewer?.id == job.employerID || viewer?.role == .moderator { return job }
        if job.status == .published || job.status == .closed {
            // Expired and filled jobs keep their page so links still explain why one cannot apply.
            return job
        }
        throw JobBoardError.notFound("job \(id) does not exist")
    }

    /// Replaces a job's content; its status and dates stay.
    public func updateJob(id: Int64, with draft: JobDraft, by employer: Account) async throws -> Job {
        var job = try await ownedJob(id: id, by: employer)
        guard job.status == .draft || job.status == .published else {
            throw JobBoardError.invalidTransition("job \(id) is \(job.status.rawValue) and can no longer be edited")
        }
        job.content = try JobDraftValidator.validated(draft)
        job.updatedAt = clock()
        try await store.saveJob(job)
        return job
    }

    /// Makes a draft visible until `jobLifetime` from now.
    public func publishJob(id: Int64, by employer: Account) async throws -> Job {
        var job = try await ownedJob(id: id, by: employer)
        guard job.status == .draft else {
            throw JobBoardError.invalidTransition("job \(id) is \(job.status.rawValue); only a draft can be published")
        }
        let now = clock()
        job.status = .published
        job.publishedAt = now
        job.expiresAt = now.addingTimeInterval(jobLifetime)
        job.updatedAt = now
        try await store.saveJob(job)
        return job
    }

    /// Extends a published (possibly expired) job by `jobLifetime` from now.
    public func renewJob(id: Int64, by employer: Account) async throws -> Job {
        var job = try await ownedJob(id: id, by: employer)
        guard job.status == .published else {
            throw JobBoardError.invalidTransition("job \(id) is \(job.status.rawValue); only a published job can be renewed")
        }
        let now = clock()
        job.expiresAt = now.addingTimeInterval(jobLifetime)
        job.updatedAt = now
        try await store.saveJob(job)
        return job
    }

    /// Closes a job (filled or withdrawn): it leaves search and takes no more applications.
    public func closeJob(id: Int64, by employer: Account) async throws -> Job {
        var job = try await ownedJob(id: id, by: employer)
        guard job.status == .draft || job.status == .published else {
            throw JobBoardError.invalidTransition("job \(id) is already \(job.status.rawValue)")
        }
        job.status = .closed
        job.updatedAt = clock()
        try await store.saveJob(job)
        return job
    }

    /// A moderator takes a posting down.
    public func unpublishJob(id: Int64, by moderator: Account) async throws -> Job {
        try require(moderator, is: .moderator)
        guard var job = try await store.job(id: id) else { throw JobBoardError.notFound("job \(id) does not exist") }
        guard job.status == .published else {
            throw JobBoardError.invalidTransition("job \(id) is \(job.status.rawValue); only a published job can be unpublished")
        }
        job.status = .unpublished
        job.updatedAt = clock()
        try await store.saveJob(job)
        return job
    }

    /// The employer's own jobs, every state.
    public func jobs(of employer: Account) async throws -> [Job] {
        try require(employer, is: .employer)
        return try await store.jobs(employerID: employer.id)
    }

    /// Live jobs matching the search.
    public func search(_ search: JobSearch) async throws -> JobSearchPage {
        try await store.search(search, at: clock())
    }

    func ownedJob(id: Int64, by employer: Account) async throws -> Job {
        try require(employer, is: .employer)
        guard let job = try await store.job(id: id) else { throw JobBoardError.notFound("job \(id) does not exist") }
        guard job.employerID == employer.id else {
            throw JobBoardError.forbidden("job \(id) belongs to another employer")
        }
        return job
    }

    func require(_ account: Account, is role: Role) throws(JobBoardError) {
        guard account.role == role else {
            throw .forbidden("this needs a \(role.rawValue) account; you are logged in as a \(account.role.rawValue)")
        }
    }
}
