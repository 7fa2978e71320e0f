import Foundation

/// Accounts, their login sessions and employers' company profiles.
public protocol AccountStore: Sendable {
    /// Creates an account; throws ``JobBoardError/conflict(_:)`` when the email is taken.
    func createAccount(_ account: NewAccount, at now: Date) async throws -> Account
    func account(id: Int64) async throws -> Account?
    /// The account and its password hash, for logging in.
    func credentials(email: String) async throws -> (account: Account, passwordHash: String)?
    /// Records a session; only a hash of the token is stored.
    func createSession(tokenHash: String, accountID: Int64, expiresAt: Date) async throws
    /// The account an unexpired session belongs to.
    func account(sessionTokenHash: String, at now: Date) async throws -> Account?
    func deleteSession(tokenHash: String) async throws
    func company(employerID: Int64) async throws -> CompanyProfile?
    func saveCompany(_ company: CompanyProfile) async throws
}

/// Postings and the search over them.
public protocol JobStore: Sendable {
    func createJob(employerID: Int64, content: JobDraft, at now: Date) async throws -> Job
    func job(id: Int64) async throws -> Job?
    /// Writes back a job's content, status and dates.
    func saveJob(_ job: Job) async throws
    /// An employer's jobs, newest first.
    func jobs(employerID: Int64) async throws -> [Job]
    /// Published, unexpired jobs matching the search, one page at a time.
    func search(_ search: JobSearch, at now: Date) async throws -> JobSearchPage
    /// Inserts many jobs in one transaction; for seeding.
    func insertJobs(_ jobs: [Job]) async throws
    /// How many jobs exist in any state.
    func jobCount() async throws -> Int
}

/// Applications to jobs.
public protocol ApplicationStore: Sendable {
    /// Creates an application; throws ``JobBoardError/conflict(_:)`` when the seeker already applied to the job.
    func createApplication(jobID: Int64, seekerID: Int64, coverNote: String, resumeURL: String, at now: Date) async throws
        -> JobApplication
    func application(id: Int64) async throws -> JobApplication?
    func applications(jobID: Int64) async throws -> [JobApplication]
    func applications(seekerID: Int64) async throws -> [JobApplication]
    func setApplicationStatus(id: Int64, to status: ApplicationStatus, at now: Date) async throws
    /// Number of applications per job, for an employer's dashboard.
    func applicationCounts(employerID: Int64) async throws -> [Int64: Int]
}

/// Everything the job board keeps, in one store: SQLite or PostgreSQL.
public protocol JobBoardStore: AccountStore, JobStore, ApplicationStore {
    /// Creates or upgrades the schema; safe to run on every start and from several processes.
    func migrate() async throws
    /// Whether the database answers, for `/readyz`.
    func ping() async throws
    /// Releases connections.
    func close() async throws
}
