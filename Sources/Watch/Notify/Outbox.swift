import Foundation
import GRDB

/// Notifications waiting to be delivered, kept in Watch's database: each is stored before its first attempt, so a
/// receiver that is down, or a Watch that restarts, loses none. Events for one receiver and group that come within
/// the group wait travel together; a delivery's payload is fixed once it is first attempted, so every retry carries
/// the same idempotency key and the same alerts.
public final class Outbox: Sendable {
    /// One delivery: a receiver, its group, the events it carries, and how its attempts went.
    public struct Delivery: Sendable, Equatable {
        public enum State: String, Sendable, Codable {
            /// Not yet delivered; tried again at `dueAt`.
            case pending
            /// The receiver took it.
            case delivered
            /// Given up: the receiver refused it, or it kept failing past the deadline.
            case failed
        }

        public var id: Int64
        public var receiver: String
        public var groupKey: String
        /// Sent in a header and in the payload, the same on every attempt, so the receiver can drop a repeat.
        public var idempotencyKey: String
        public var events: [NotificationEvent]
        public var createdAt: Date
        public var dueAt: Date
        public var attempts: Int
        public var state: State
        public var lastError: String?
        public var deliveredAt: Date?
    }

    private let database: DatabaseQueue

    /// The outbox in `store`'s database.
    public init(store: IncidentStore) throws {
        database = store.database
        var migrator = DatabaseMigrator()
        migrator.registerMigration("outbox-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE delivery (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        receiver TEXT NOT NULL,
                        group_key TEXT NOT NULL,
                        idempotency_key TEXT NOT NULL UNIQUE,
                        events TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        due_at REAL NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        state TEXT NOT NULL,
                        last_error TEXT,
                        delivered_at REAL
                    );
                    CREATE INDEX delivery_pending ON delivery(state, receiver, id);
                    """)
        }
        try migrator.migrate(database)
    }

    /// Stores `event` for `receiver`: joined to the delivery of its group not yet attempted when `joinable`
    /// (replacing an earlier event of the same incident there), otherwise a new delivery due at `dueAt`.
    @discardableResult
    public func enqueue(_ event: NotificationEvent, receiver: String, groupKey: String, dueAt: Date, joinable: Bool, now: Date) async throws -> Int64 {
        let encoded = try Self.encode([event])
        return try await database.write { db in
            if joinable,
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT id, events FROM delivery
                        WHERE state = 'pending' AND attempts = 0 AND receiver = ? AND group_key = ? AND due_at > ?
                        ORDER BY id DESC LIMIT 1
                        """,
                    arguments: [receiver, groupKey, now.timeIntervalSince1970])
            {
                let id: Int64 = row["id"]
                var events = try Self.decode(row["events"])
                if let same = events.firstIndex(where: { $0.incident.id == event.incident.id }) {
                    events[same] = event
                } else {
                    events.append(event)
                }
                try db.execute(sql: "UPDATE delivery SET events = ? WHERE id = ?", arguments: [try Self.encode(events), id])
                return id
            }
            try db.execute(
                sql: """
                    INSERT INTO delivery (receiver, group_key, idempotency_key, events, created_at, due_at, state)
                    VALUES (?, ?, ?, ?, ?, ?, 'pending')
                    """,
                arguments: [receiver, groupKey, UUID().uuidString.lowercased(), encoded, now.timeIntervalSince1970, dueAt.timeIntervalSince1970])
            return db.lastInsertedRowID
        }
    }

    /// Each receiver's oldest pending delivery that is due at `now`. A receiver's deliveries go out in order: one
    /// that is failing holds back the later ones, so a resolve never overtakes its trigger.
    public func due(at now: Date) async throws -> [Delivery] {
        try await database.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM delivery WHERE id IN (
                        SELECT MIN(id) FROM delivery WHERE state = 'pending' GROUP BY receiver
                    ) AND due_at <= ? ORDER BY id
                    """,
                arguments: [now.timeIntervalSince1970])
            return try rows.map(Self.delivery)
        }
    }

    /// The earliest time a pending delivery is due, nil when none is pending.
    public func nextDue() async throws -> Date? {
        try await database.read { db in
            try Double.fetchOne(db, sql: "SELECT MIN(due_at) FROM delivery WHERE state = 'pending'").map { Date(timeIntervalSince1970: $0) }
        }
    }

    /// Records that delivery `id` reached its receiver.
    public func markDelivered(_ id: Int64, at now: Date) async throws {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE delivery SET state = 'delivered', attempts = attempts + 1, delivered_at = ?, last_error = NULL WHERE id = ?",
                arguments: [now.timeIntervalSince1970, id])
        }
    }

    /// Records a failed attempt: tried again at `retryAt`, or given up when it is nil.
    public func markFailed(_ id: Int64, error: String, retryAt: Date?) async throws {
        try await database.write { db in
            if let retryAt {
                try db.execute(
                    sql: "UPDATE delivery SET attempts = attempts + 1, last_error = ?, due_at = ? WHERE id = ?",
                    arguments: [error, retryAt.timeIntervalSince1970, id])
            } else {
                try db.execute(
                    sql: "UPDATE delivery SET state = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?",
                    arguments: [error, id])
            }
        }
    }

    /// The newest deliveries first, optionally only those in `state`, at most `limit`.
    public func deliveries(state: Delivery.State? = nil, limit: Int = 100) async throws -> [Delivery] {
        try await database.read { db in
            let rows: [Row]
            if let state {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM delivery WHERE state = ? ORDER BY id DESC LIMIT ?", arguments: [state.rawValue, limit])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM delivery ORDER BY id DESC LIMIT ?", arguments: [limit])
            }
            return try rows.map(Self.delivery)
        }
    }

    /// How many deliveries are in each state.
    public func counts() async throws -> [Delivery.State: Int] {
        try await database.read { db in
            var counts: [Delivery.State: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM delivery GROUP BY state") {
                if let state = Delivery.State(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    private static func delivery(_ row: Row) throws -> Delivery {
        Delivery(
            id: row["id"], receiver: row["receiver"], groupKey: row["group_key"], idempotencyKey: row["idempotency_key"],
            events: try decode(row["events"]), createdAt: Date(timeIntervalSince1970: row["created_at"]),
            dueAt: Date(timeIntervalSince1970: row["due_at"]), attempts: row["attempts"],
            state: Delivery.State(rawValue: row["state"]) ?? .failed, lastError: row["last_error"],
            deliveredAt: (row["delivered_at"] as Double?).map { Date(timeIntervalSince1970: $0) })
    }

    private static func encode(_ events: [NotificationEvent]) throws -> String {
        String(decoding: try WatchJSON.encoder(pretty: false).encode(events), as: UTF8.self)
    }

    private static func decode(_ text: String) throws -> [NotificationEvent] {
        try WatchJSON.decoder().decode([NotificationEvent].self, from: Data(text.utf8))
    }
}
