import Foundation
import HTTPTypes
import Hummingbird

/// Who may act on incidents, and how they prove it: a bearer token on the API, or a dashboard session (cookie plus
/// a CSRF token in every form). Reading stays open: Watch listens on loopback unless told otherwise.
public struct WatchAccess: Sendable {
    /// The operators and their hashed tokens.
    public let directory: OperatorDirectory
    /// Dashboard sessions.
    public let sessions: SessionStore
    /// Whether the session cookie is sent only over HTTPS (when Watch is behind TLS).
    public let secureCookie: Bool

    public init(operators: [Operator] = [], sessions: SessionStore = SessionStore(), secureCookie: Bool = false) {
        directory = OperatorDirectory(operators)
        self.sessions = sessions
        self.secureCookie = secureCookie
    }

    /// The session cookie's name.
    static let cookieName = "evenkeel_watch_session"

    /// The operator of an API request: `Authorization: Bearer <token>`. 401 without one or with a wrong one.
    func apiOperator(_ request: Request) throws -> Operator {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw WatchProblem(.unauthorized, "this action needs an operator token: send 'Authorization: Bearer <token>'")
        }
        guard let person = directory.find(token: String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)) else {
            throw WatchProblem(.unauthorized, "the operator token is not one Watch knows")
        }
        return person
    }

    /// The session of a dashboard request, nil when not logged in.
    func session(_ request: Request) async -> SessionStore.Session? {
        guard let id = request.cookies[Self.cookieName]?.value, !id.isEmpty else { return nil }
        return await sessions.session(id: id)
    }

    /// The session of a form post whose `csrf` field must match it: 401 without a session, 403 with a wrong token.
    func formSession(_ request: Request, csrf: String?) async throws -> SessionStore.Session {
        guard let session = await session(request) else {
            throw WatchProblem(.unauthorized, "log in at /login with an operator token first")
        }
        guard let csrf, Self.equal(csrf, session.csrf) else {
            throw WatchProblem(.forbidden, "the form's CSRF token does not match this session; reload the page and try again")
        }
        return session
    }

    func cookie(for session: SessionStore.Session) -> Cookie {
        Cookie(
            name: Self.cookieName, value: session.id, maxAge: Int(session.expires.timeIntervalSinceNow), path: "/", secure: secureCookie,
            httpOnly: true, sameSite: .strict)
    }

    func expiredCookie() -> Cookie {
        Cookie(name: Self.cookieName, value: "", maxAge: 0, path: "/", secure: secureCookie, httpOnly: true, sameSite: .strict)
    }

    /// Compares in time independent of where the texts differ.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
