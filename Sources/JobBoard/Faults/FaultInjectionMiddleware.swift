import Foundation
import HTTPTypes
import Hummingbird

/// Applies the injected fault to the requests it affects: waits its latency, then answers its share with 500.
struct FaultInjectionMiddleware<Context: JobBoardRequestContext>: RouterMiddleware {
    let injector: FaultInjector

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let fault = injector.active(), fault.affects(request.uri.path) else { return try await next(request, context) }
        if fault.latencyMs > 0 { try await Task.sleep(for: .milliseconds(fault.latencyMs)) }
        if fault.errorRatio > 0, Double.random(in: 0..<1) < fault.errorRatio {
            return try Problem(status: .internalServerError, type: "/problems/injected-fault", detail: "a fault injected for a drill")
                .response(from: request, context: context)
        }
        return try await next(request, context)
    }
}
