import ArgumentParser
import Foundation
import JobBoard

/// `evenkeel seed`: demo accounts and synthetic postings.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Fill a database with demo accounts and realistic synthetic job postings.",
        discussion: """
            Accounts: employer1..10@example.com, seeker1..100@example.com (password-N) and
            moderator@example.com (password-moderator).
            """)

    @Option(help: "Database: sqlite:PATH or postgres://user:password@host:port/database.")
    var db: String = "sqlite:evenkeel.sqlite"

    @Option(help: "How many published jobs to add.")
    var jobs: Int = 1_000

    @Option(help: "Random seed, for reproducible data.")
    var seed: UInt64 = 42

    func validate() throws {
        guard (0...5_000_000).contains(jobs) else { throw ValidationError("--jobs must be 0...5000000") }
        do { _ = try DatabaseLocation(parsing: db) } catch { throw ValidationError(error.description) }
    }

    func run() async throws {
        let location = try DatabaseLocation(parsing: db)
        let store = try await location.open()
        let start = ContinuousClock.now
        let report = try await Seeder(service: JobBoardService(store: store)).seed(jobs: jobs, seed: seed)
        print("seeded \(location): \(report.jobsInserted) jobs, \(report.accountsCreated) new accounts in \(ContinuousClock.now - start)")
        try await store.close()
    }
}
