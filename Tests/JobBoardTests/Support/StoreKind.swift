import Foundation
import JobBoard
import Logging
import PostgresNIO
import Testing

/// The stores the conformance suite runs against: SQLite always, PostgreSQL when
/// `EVENKEEL_TEST_POSTGRES_URL` names a server (`.ci/run` starts one).
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    static var available: [StoreKind] {
        ProcessInfo.processInfo.environment["EVENKEEL_TEST_POSTGRES_URL"] == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    var testDescription: String { rawValue }

    /// Runs `body` with a fresh, migrated, empty store of this kind and removes it afterwards.
    func withStore<T>(_ body: (any JobBoardStore) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("evenkeel-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let store = try SQLiteStore(path: directory.appendingPathComponent("jobs.sqlite").path)
            try await store.migrate()
            let result = try await body(store)
            try await store.close()
            return result
        case .postgres:
            let adminURL = ProcessInfo.processInfo.environment["EVENKEEL_TEST_POSTGRES_URL"]!
            let name = "evenkeel_test_\(UUID().uuidString.prefix(8).lowercased())"
            try await Self.admin(adminURL, "CREATE DATABASE \(name)")
            var components = URLComponents(string: adminURL)!
            components.path = "/\(name)"
            let store = try PostgresStore(url: components.string!)
            do {
                try await store.migrate()
                let result = try await body(store)
                try await store.close()
                try await Self.admin(adminURL, "DROP DATABASE \(name) WITH (FORCE)")
                return result
            } catch {
                try? await store.close()
                try? await Self.admin(adminURL, "DROP DATABASE \(name) WITH (FORCE)")
                throw error
            }
        }
    }

    /// Runs one statement on the server named by `url` (creating and dropping test databases).
    static func admin(_ url: String, _ statement: String) async throws {
        let store = try PostgresStore(url: url)
        do {
            try await store.execute(unsafeSQL: statement)
        } catch {
            try? await store.close()
            throw error
        }
        try? await store.close()
    }
}
