import Foundation

/// Dashboard sessions of operators who logged in with their token: a random session id in an HttpOnly cookie and a
/// CSRF token every form must carry back. Kept in memory (a restart logs everyone out), bounded in number and age.
public actor SessionStore {
    /// One logged-in operator.
    public struct Session: Sendable, Equatable {
        public var id: String
        public var csrf: String
        public var person: Operator
        public var expires: Date
    }

    /// Sessions kept at most; the oldest goes first.
    public let limit: Int
    /// How long a session lasts.
    public let lifetime: TimeInterval
    private var sessions: [String: Session] = [:]

    public init(limit: Int = 1000, lifetime: TimeInterval = 12 * 3600) {
        self.limit = limit
        self.lifetime = lifetime
    }

    /// A new session for `person`.
    public func open(for person: Operator, now: Date = Date()) -> Session {
        sessions = sessions.filter { $0.value.expires > now }
        while sessions.count >= limit, let oldest = sessions.min(by: { $0.value.expires < $1.value.expires }) {
            sessions[oldest.key] = nil
        }
        let session = Session(id: Operator.newToken(), csrf: Operator.newToken(), person: person, expires: now.addingTimeInterval(lifetime))
        sessions[session.id] = session
        return session
    }

    /// The session with `id`, nil when there is none or it expired.
    public func session(id: String, now: Date = Date()) -> Session? {
        guard let session = sessions[id] else { return nil }
        guard session.expires > now else {
            sessions[id] = nil
            return nil
        }
        return session
    }

    /// Ends the session with `id`.
    public func close(id: String) { sessions[id] = nil }
}
