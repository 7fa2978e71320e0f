import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

/// Applies a ``RateLimiter`` to a group of routes: by client address, and by account when one is logged in.
/// Over the limit the request gets 429 with `Retry-After` and does nothing.
struct RateLimitMiddleware<Context: JobBoardRequestContext>: RouterMiddleware {
    let limiter: RateLimiter
    /// Which action this limits, as named in the error and the bucket key.
    let action: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var keys = ["\(action)|ip|\(context.clientIP)"]
        if let account = context.account { keys.append("\(action)|account|\(account.id)") }
        for key in keys {
            if case .limited(let retryAfter) = limiter.take(key) {
                throw Problem(
                    status: .tooManyRequests, type: "/problems/rate-limited",
                    detail: "too many \(action) requests; retry in \(retryAfter) s", retryAfter: retryAfter)
            }
        }
        return try await next(request, context)
    }
}
