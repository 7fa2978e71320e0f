import ArgumentParser
import Foundation
import Hummingbird
import JobBoard
import Logging
import ServiceLifecycle
import UnixSignals

/// `evenkeel up`: the whole platform on one machine, on the embedded database.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up", abstract: "Seed a SQLite database if it is empty and run the job board on it.")

    @Option(help: "SQLite database file.")
    var database: String = ".evenkeel/jobboard.sqlite"

    @Option(help: "Jobs to seed into an empty database.")
    var seedJobs: Int = 10_000

    @Option(help: "Port of the site.")
    var port: Int = 8080

    func run() async throws {
        let logger = Logger(label: "evenkeel.up")
        try FileManager.default.createDirectory(
            atPath: (database as NSString).deletingLastPathComponent.nonEmptyOr("."), withIntermediateDirectories: true)
        let store = try await DatabaseLocation.sqlite(path: database).open()
        if try await store.jobCount() == 0 {
            print("seeding \(seedJobs) jobs into \(database)…")
            _ = try await Seeder(service: JobBoardService(store: store)).seed(jobs: seedJobs)
        }
        let (app, _) = try await buildJobBoardApplication(
            configuration: JobBoardConfiguration(port: port, replicaName: "replica-1"), store: store, logger: logger,
            onServerRunning: { port in
                print("""
                    Evenkeel is up.
                      site:     http://127.0.0.1:\(port)/
                      API:      http://127.0.0.1:\(port)/api/v1/jobs?q=swift
                      metrics:  http://127.0.0.1:\(port)/metrics
                    Log in as employer1@example.com / password-1 or seeker1@example.com / password-1. Ctrl-C stops.
                    """)
            })
        try await ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        ).run()
        try await store.close()
    }
}

extension String {
    func nonEmptyOr(_ fallback: String) -> String { isEmpty ? fallback : self }
}
