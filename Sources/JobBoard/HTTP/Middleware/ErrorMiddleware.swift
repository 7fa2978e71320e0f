import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging

/// Turns every error into a response: `application/problem+json` for the API, an HTML page for people.
/// Unknown errors are logged and answered with a 500 that reveals nothing internal.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let pages: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Problem(error)
            if problem.statusCode >= 500 {
                context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            }
            if Self.wantsHTML(request) {
                var response = pages.errorPage(problem)
                if let retryAfter = problem.retryAfter { response.headers[.retryAfter] = String(retryAfter) }
                return response
            }
            return try problem.response(from: request, context: context)
        }
    }

    /// Page routes, and browsers asking for HTML; the API always gets problem+json.
    static func wantsHTML(_ request: Request) -> Bool {
        let path = request.uri.path
        if path.hasPrefix("/api/") || path == "/metrics" || path.hasSuffix(".atom") || path.hasPrefix("/healthz")
            || path.hasPrefix("/readyz") || path.hasPrefix("/admin/")
        {
            return false
        }
        return true
    }
}
