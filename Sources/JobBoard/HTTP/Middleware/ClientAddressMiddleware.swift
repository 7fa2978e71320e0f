import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

/// Behind a trusted balancer, takes the client's address from the last `X-Forwarded-For` entry
/// (the one the balancer appended; earlier entries are the client's own claims).
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = JobBoardContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let forwarded = request.headers[.init("X-Forwarded-For")!],
            let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty
        {
            context.clientIP = last
        }
        return try await next(request, context)
    }
}
