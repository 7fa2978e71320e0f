import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

/// Counts requests and times them by route template and status, into the app's own metrics registry.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: JobBoardMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        metrics.recordRequest(
            method: request.method.rawValue, route: context.endpointPath ?? "NotFound", status: response.status.code,
            duration: ContinuousClock.now - start)
        return response
    }
}
