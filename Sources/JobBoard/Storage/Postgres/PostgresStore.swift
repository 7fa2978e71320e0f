import Foundation
import Logging
import PostgresNIO

/// The store for replicas on several machines: PostgreSQL through PostgresNIO's connection pool.
///
/// Every write is one statement or transaction that commits before the call returns.
public final class PostgresStore: JobBoardStore, UsageReporting {
    let client: PostgresClient
    let usage: DatabaseUsage
    let logger: Logger
    private let running: Task<Void, Never>

    /// Connects lazily to `url` (`postgres://user:password@host:port/database`); the pool runs until ``close()``.
    public init(url: String, usage: DatabaseUsage = DatabaseUsage(), logger: Logger = Logger(label: "evenkeel.postgres"))
        throws(DatabaseLocationError)
    {
        let client = PostgresClient(configuration: try PostgresLocation.configuration(from: url))
        self.client = client
        self.usage = usage
        self.logger = logger
        self.running = Task { await client.run() }
    }

    public func migrate() async throws {
        try await usage.track {
            try await client.withTransaction(logger: logger) { connection in
                // One replica migrates at a time; the others wait here, then find nothing left to do.
                try await connection.query("SELECT pg_advisory_xact_lock(4242771)", logger: logger)
                try await connection.query(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version INT PRIMARY KEY, applied_at DOUBLE PRECISION NOT NULL)",
                    logger: logger)
                var applied = Set<Int>()
                for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger)
                    .decode(Int.self)
                {
                    applied.insert(version)
                }
                for step in PostgresSchema.steps where !applied.contains(step.version) {
                    for statement in step.sql.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) })
                    where !statement.isEmpty {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO schema_migrations (version, applied_at) VALUES (\(step.version), \(Date().timeIntervalSince1970))",
                        logger: logger)
                }
            }
        }
    }

    public func ping() async throws {
        try await usage.track { _ = try await client.query("SELECT 1", logger: logger).collect() }
    }

    public func close() async throws {
        running.cancel()
    }

    /// Runs a query and returns its rows, counted as one database operation.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await usage.track {
            try await client.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
        }
    }

    /// Runs a statement, mapping unique violations to ``JobBoardError/conflict(_:)`` with `conflict` as the message.
    func run(_ query: PostgresQuery, conflict: String? = nil) async throws -> [PostgresRandomAccessRow] {
        do {
            return try await rows(query)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw JobBoardError.conflict(conflict ?? "that already exists")
        }
    }
}

extension PostgresRandomAccessRow {
    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try self[column].decode(T.self)
    }
}

extension PostgresStore {
    /// Runs one statement as written, for operators and tests (creating databases); never with user input.
    public func execute(unsafeSQL statement: String) async throws {
        _ = try await rows(PostgresQuery(unsafeSQL: statement))
    }
}
