import Foundation
import GRDB

/// Incidents kept in SQLite: every change is committed before anyone is shown or told about it, so a restart or a
/// crash of Watch loses none.
public final class IncidentStore: Sendable {
    /// The database, shared with the notification outbox so an incident and its notifications live in one file.
    let database: DatabaseQueue

    /// Opens (creating if needed) the database at `path`; `:memory:` keeps it in memory.
    public init(path: String) throws {
        if path != ":memory:" {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        database = path == ":memory:" ? try DatabaseQueue(configuration: configuration) : try DatabaseQueue(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("incidents-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE incident (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        state TEXT NOT NULL,
                        pool TEXT NOT NULL,
                        diagnosis TEXT NOT NULL,
                        opened_at REAL NOT NULL,
                        document TEXT NOT NULL
                    );
                    CREATE INDEX incident_state ON incident(state);
                    """)
        }
        try migrator.migrate(database)
    }

    /// Stores a new incident and returns it with its id.
    public func insert(_ incident: Incident) async throws -> Incident {
        try await database.write { db in
            try db.execute(
                sql: "INSERT INTO incident (state, pool, diagnosis, opened_at, document) VALUES (?, ?, ?, ?, '{}')",
                arguments: [incident.state.rawValue, incident.pool, incident.diagnosis.rawValue, incident.openedAt.timeIntervalSince1970])
            var stored = incident
            stored.id = db.lastInsertedRowID
            try db.execute(sql: "UPDATE incident SET document = ? WHERE id = ?", arguments: [try Self.encode(stored), stored.id])
            return stored
        }
    }

    /// Replaces a stored incident.
    public func update(_ incident: Incident) async throws {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE incident SET state = ?, diagnosis = ?, document = ? WHERE id = ?",
                arguments: [incident.state.rawValue, incident.diagnosis.rawValue, try Self.encode(incident), incident.id])
        }
    }

    /// Changes the stored incident `id` in one transaction (read, change, write), so two changes never lose one
    /// another; nil when there is no such incident.
    public func modify(id: Int64, _ change: @escaping @Sendable (inout Incident) -> Void) async throws -> Incident? {
        try await database.write { db in
            guard let document = try String.fetchOne(db, sql: "SELECT document FROM incident WHERE id = ?", arguments: [id]) else { return nil }
            var incident = try Self.decode(document)
            change(&incident)
            try db.execute(
                sql: "UPDATE incident SET state = ?, diagnosis = ?, document = ? WHERE id = ?",
                arguments: [incident.state.rawValue, incident.diagnosis.rawValue, try Self.encode(incident), incident.id])
            return incident
        }
    }

    /// The incident with `id`.
    public func incident(id: Int64) async throws -> Incident? {
        try await database.read { db in
            try String.fetchOne(db, sql: "SELECT document FROM incident WHERE id = ?", arguments: [id]).map(Self.decode)
        }
    }

    /// The newest incidents first, optionally only those in `states`, at most `limit`.
    public func incidents(states: [Incident.State]? = nil, limit: Int = 100) async throws -> [Incident] {
        try await database.read { db in
            let documents: [String]
            if let states {
                let marks = states.map { _ in "?" }.joined(separator: ",")
                documents = try String.fetchAll(
                    db, sql: "SELECT document FROM incident WHERE state IN (\(marks)) ORDER BY id DESC LIMIT ?",
                    arguments: StatementArguments(states.map(\.rawValue) + [String(limit)]))
            } else {
                documents = try String.fetchAll(db, sql: "SELECT document FROM incident ORDER BY id DESC LIMIT ?", arguments: [limit])
            }
            return try documents.map(Self.decode)
        }
    }

    static func encode(_ incident: Incident) throws -> String {
        String(decoding: try WatchJSON.encoder(pretty: false).encode(incident), as: UTF8.self)
    }

    static func decode(_ document: String) throws -> Incident {
        try WatchJSON.decoder().decode(Incident.self, from: Data(document.utf8))
    }
}
