import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore

/// Names the replica on every response, so load tests and the balancer can tell replicas apart.
struct ReplicaHeaderMiddleware<Context: RequestContext>: RouterMiddleware {
    static var headerName: HTTPField.Name { .init("X-Evenkeel-Replica")! }
    let replica: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[Self.headerName] = replica
        return response
    }
}
