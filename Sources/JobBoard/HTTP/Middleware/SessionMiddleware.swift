import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

/// Finds who is calling: a bearer token (API) or the session cookie (pages), checked against the store.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = JobBoardContext
    static let cookieName = "evenkeel_session"

    let service: JobBoardService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let token = Self.token(in: request) {
            context.account = try await service.account(forToken: token)
            context.sessionToken = token
        }
        return try await next(request, context)
    }

    static func token(in request: Request) -> String? {
        if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            return String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        }
        return request.cookies[cookieName]?.value
    }
}
